"""The network handbook over JSON and PDF, built from the registry: the whole city or one
county, with every point's address, phone, liaison, the hotline, the rules and sign texts."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.context import AppContext
from api.deps import Ctx, CurrentUser
from api.errors import ApiError
from api.exports.pdf import Line, document
from db import registry_repo
from db.network_repo import NodeNotFound, get_node
from db.users_repo import UserRecord
from domain.enums import NodeLevel, label
from domain.handbook import Handbook, HandbookEntry, HandbookSection, SignText, sign_text
from domain.network import StaffDuty

router = APIRouter(prefix="/api/v1/handbook", tags=["network handbook"])


async def build(ctx: AppContext, user: UserRecord, node_id: str | None) -> Handbook:
    """The handbook of the whole city (default) or of one county station's area. The handbook
    is published for everyone who works with the network, so any signed-in user may read it."""
    async with ctx.pool.acquire() as conn:
        root_id = node_id or user.node_path.strip("/").split("/")[0]
        try:
            root = await get_node(conn, node_id=root_id)
        except NodeNotFound:
            raise ApiError(404, "node_not_found", f"找不到单位：{root_id}") from None
        if root.level not in (NodeLevel.BUREAU, NodeLevel.COUNTY_STATION):
            raise ApiError(422, "handbook_scope", "网络手册按全市或县(区)编印")
        nodes = await registry_repo.subtree_nodes(conn, path=root.path)
        staff = await registry_repo.staff_in_subtree(conn, path=root.path)
        profiles = await registry_repo.profiles_in_subtree(conn, path=root.path)
    sections: dict[str, HandbookSection] = {}
    signs = []
    city_title = "市级救助机构"
    for n in nodes:
        if n.level == NodeLevel.BUREAU:
            continue
        people = [f"{s.name}{'（' + s.phone + '）' if s.phone else ''}" for s in staff.get(n.node_id, [])
                  if s.duty in (StaffDuty.LIAISON, StaffDuty.DEDICATED_OFFICER)]
        entry = HandbookEntry(node_id=n.node_id, name=n.name, level_label=label(n.level), address=n.address,
                              phone=n.phone, liaisons=people,
                              beds=profiles[n.node_id].beds if n.node_id in profiles else 0)
        county = next((c for c in nodes if c.level == NodeLevel.COUNTY_STATION and n.path.startswith(c.path)), None)
        title = county.name.removesuffix("救助管理站") if county else city_title
        sections.setdefault(title, HandbookSection(title=title, entries=[])).entries.append(entry)
        if n.level == NodeLevel.COUNTY_STATION:
            signs.append(SignText(district=title, text=sign_text(title, n.name, n.address, n.phone)))
    scope = "全市" if root.level == NodeLevel.BUREAU else root.name.removesuffix("救助管理站")
    return Handbook(title=f"{scope}救助管理网络手册", generated_at=datetime.now(UTC),
                    sections=list(sections.values()), signs=signs)


def as_lines(book: Handbook) -> list[Line]:
    lines = [Line(book.title, 20), Line(f"救助热线 {book.hotline}（24小时）", 14), Line(""), Line("救助政策", 15)]
    lines += [Line(r) for r in book.rules]
    for section in book.sections:
        lines += [Line(""), Line(section.title, 15)]
        for e in section.entries:
            lines.append(Line(f"{e.name}（{e.level_label}）", 12))
            lines.append(Line(f"地址：{e.address or '—'}　电话：{e.phone or '—'}　救助热线：{book.hotline}"))
            if e.liaisons:
                lines.append(Line("联络员/专职人员：" + "、".join(e.liaisons)))
    lines += [Line(""), Line("街面救助引导牌内容", 15)]
    lines += [Line(f"{s.district}：{s.text}") for s in book.signs]
    return lines


@router.get("", response_model=Handbook)
async def handbook(ctx: Ctx, user: CurrentUser,
                   node_id: str | None = Query(default=None, description="县(区)救助站编号（默认全市）")) -> Handbook:
    return await build(ctx, user, node_id)


@router.get(".pdf")
async def handbook_pdf(ctx: Ctx, user: CurrentUser, node_id: str | None = Query(default=None)) -> Response:
    """The printable handbook as PDF (A4, Chinese set with reportlab)."""
    book = await build(ctx, user, node_id)
    return Response(document(as_lines(book), title=book.title), media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="handbook.pdf"'})
