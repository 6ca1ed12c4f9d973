from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.serializers import (
    KycInput,
    KycOutput,
    ProfileOutput,
    RegisterInput,
    RegisterOutput,
    TokenInput,
    TokenOutput,
)
from aframp.api import PublicAPIView, error_responses, validated


class RegisterView(PublicAPIView):
    @extend_schema(
        summary="Sign up",
        request=RegisterInput,
        responses={201: RegisterOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        data = validated(RegisterInput, request)
        user = services.register_user(email=data["email"], password=data["password"])
        return Response(RegisterOutput(user).data, status=201)


class TokenView(PublicAPIView):
    @extend_schema(
        summary="Sign in",
        description=(
            "A bearer token valid for 24 hours. A wrong password and an unknown email "
            "get the same 400 INVALID_CREDENTIALS. Five failures for one email, or from "
            "one client, within 15 minutes lock it out for 15 minutes (429)."
        ),
        request=TokenInput,
        responses={200: TokenOutput, **error_responses(400, 429)},
    )
    def post(self, request: Request) -> Response:
        data = validated(TokenInput, request)
        issued = services.issue_token(
            email=data["email"],
            password=data["password"],
            # DRF's notion of the client: REMOTE_ADDR, or X-Forwarded-For as
            # REST_FRAMEWORK["NUM_PROXIES"] says.
            client_ip=BaseThrottle().get_ident(request),
        )
        return Response(TokenOutput(issued).data)


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Revoke the token of this request",
        request=None,
        responses={204: None, **error_responses(401)},
    )
    def post(self, request: Request) -> Response:
        services.revoke_token(token=request.auth)
        return Response(status=204)


class ProfileView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The signed-in user", responses={200: ProfileOutput, **error_responses(401)}
    )
    def get(self, request: Request) -> Response:
        user = request.user
        kyc = selectors.kyc_profile_for(user=user)
        profile = {
            "id": user.pk,
            "email": user.email,
            "date_joined": user.date_joined,
            "kyc_tier": kyc.tier_id,
            "kyc_status": kyc.status,
        }
        return Response(ProfileOutput(profile).data)


class KycView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="KYC tier, status and limits",
        responses={200: KycOutput, **error_responses(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(KycOutput(selectors.kyc_profile_for(user=request.user)).data)

    @extend_schema(
        summary="Submit KYC details",
        description=(
            "Verified at once (sandbox: a BVN starting with 0 is rejected). Approval "
            "raises the tier to basic, or standard with an address. Rejected users may "
            "submit again; approved ones get 409 KYC_ALREADY_APPROVED."
        ),
        request=KycInput,
        responses={200: KycOutput, **error_responses(400, 401, 409)},
    )
    def post(self, request: Request) -> Response:
        data = validated(KycInput, request)
        return Response(KycOutput(services.submit_kyc(user=request.user, **data)).data)
