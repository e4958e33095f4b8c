"""The organisation page: settings that govern every workspace of an organisation.

Only an organisation owner (an owner of every one of its workspaces) sees or changes them;
anyone else gets 404, as for a workspace they are not a member of.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from rapport.core.i18n import gettext as _
from rapport.errors import RapportError
from rapport.web.deps import AuthDep, DbDep
from rapport.web.pages import form_errors, redirect, render
from rapport.workspaces import access, service
from rapport.workspaces.models import Organisation

router = APIRouter()


def _context(db: DbDep, org: Organisation, **extra: object) -> dict[str, object]:
    workspaces = sorted(org.workspaces, key=lambda w: w.name)
    return {"title": org.name, "organisation": org, "workspaces": workspaces, **extra}


@router.get("/org/{org_slug}")
def organisation_page(request: Request, db: DbDep, auth_: AuthDep, org_slug: str) -> Response:
    org = access.organisation_for_caller(db, slug=org_slug, user=auth_.user, token=auth_.token)
    return render(request, "workspaces/organisation.html", _context(db, org))


@router.post("/org/{org_slug}")
def save_organisation(
    request: Request,
    db: DbDep,
    auth_: AuthDep,
    org_slug: str,
    require_totp: Annotated[bool, Form()] = False,
) -> Response:
    org = access.organisation_for_caller(db, slug=org_slug, user=auth_.user, token=auth_.token)
    try:
        service.set_require_totp(db, organisation=org, required=require_totp, actor=auth_.user)
    except RapportError as exc:
        context = _context(db, org, errors=form_errors(exc))
        return render(request, "workspaces/organisation.html", context, exc.status_code)
    return redirect(f"/org/{org.slug}", flash=_("Organisation settings saved."))
