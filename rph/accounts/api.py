from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from rph.accounts.models import TeamMembership, User


class MembershipSerializer(serializers.ModelSerializer):
    team = serializers.StringRelatedField()

    class Meta:
        model = TeamMembership
        fields = ["team_id", "team", "role"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "title", "memberships"]


class Me(APIView):
    serializer_class = MeSerializer

    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)
