"""The rule catalogue, rendered from the registry (`tochuc rules --markdown > docs/rules.md`).

A test compares docs/rules.md with this output, so the document cannot fall behind the code.
"""

from __future__ import annotations

from tochuc.events.kinds import kind_label
from tochuc.lib.dates import format_date
from tochuc.rules.engine import REGISTRY, Rule

CONFIDENCE_LABELS = {
    "R": "R: đối chiếu văn bản gốc",
    "S": "S: theo nguồn thứ cấp",
    "U": "U: chưa chắc chắn, chỉ cảnh báo",
}
HEADER = """# Danh mục quy tắc (rule catalogue)

Tệp này được sinh tự động từ sổ đăng ký quy tắc: `tochuc rules --markdown > docs/rules.md`.
Không sửa tay; một bài kiểm thử báo lỗi khi tệp cũ hơn mã nguồn.

Mỗi quy tắc có mã ổn định, văn bản nguồn, thời gian hiệu lực (sự kiện được xét theo văn bản có
hiệu lực vào ngày hiệu lực của nó) và độ tin cậy (DOMAIN-RULES.md): R đối chiếu văn bản gốc,
S theo nguồn thứ cấp, U chưa chắc chắn (chỉ cảnh báo, không chặn; tham số cấu hình được trong
`tochuc.rules.params`).
"""


def _period(r: Rule) -> str:
    if r.valid_from and r.valid_to:
        return f"{format_date(r.valid_from)} – trước {format_date(r.valid_to)}"
    if r.valid_from:
        return f"từ {format_date(r.valid_from)}"
    if r.valid_to:
        return f"trước {format_date(r.valid_to)}"
    return "mọi thời kỳ"


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def catalogue_rows() -> list[Rule]:
    return sorted(REGISTRY.values(), key=lambda r: (r.code, str(r.valid_from or "")))


def catalogue_markdown() -> str:
    lines = [HEADER, "| mã | quy tắc | áp dụng cho | hiệu lực | nguồn | độ tin cậy |", "| --- | --- | --- | --- | --- | --- |"]
    rules = catalogue_rows()
    for r in rules:
        kinds = ", ".join(kind_label(k) for k in sorted(r.kinds)) or "mọi sự kiện"
        lines.append(
            f"| `{r.code}` | {_one_line(r.title)} | {kinds} | {_period(r)} | {_one_line(r.source)} | {r.confidence} |"
        )
    lines.append("")
    lines.append("## Ghi chú từng quy tắc")
    lines.append("")
    for r in rules:
        if not r.doc:
            continue
        lines.append(f"- `{r.code}` ({_period(r)}): {_one_line(r.doc)}")
    lines.append("")
    return "\n".join(lines)
