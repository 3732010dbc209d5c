"""The `tochuc` command: Django management commands under product names.

`tochuc import FILE` is the management command `import_workbook` (a module cannot be named
`import`); everything else maps one to one.
"""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "import_workbook"}

USAGE = """Cách dùng: tochuc LỆNH [tùy chọn]

  migrate                  tạo hoặc nâng cấp cơ sở dữ liệu (DATABASE_URL, mặc định SQLite trong var/)
  serve [--host H] [--port P]   chạy ứng dụng web
  demo [--scale city|province|national] [--seed N]   sinh dữ liệu mẫu
  user add TÊN --unit MÃ --role viewer|clerk|specialist|admin   tạo người dùng
  user lock|unlock|reset|password TÊN   khóa, mở khóa, đặt lại mật khẩu
  user grant TÊN --unit MÃ --role VAI / user revoke TÊN --unit MÃ   giao, thu hồi quyền
  user otp-reset TÊN       hủy xác thực hai lớp bị mất (đăng ký lại khi đăng nhập)
  rebuild [--check]        tính lại dữ liệu dẫn xuất từ nhật ký sự kiện
  import FILE [--dry-run]  nhập sổ Excel / thư mục CSV
  export FILE [--unit MÃ]  xuất sổ Excel
  report annual|figure ... báo cáo
  due --unit MÃ [--days N] việc cần làm
  rules [--markdown]       danh mục quy định được kiểm tra
  backup FILE / restore FILE   sao lưu và phục hồi (mã hóa khi có TOCHUC_BACKUP_KEY)
  check_deploy             kiểm tra cấu hình bền vững của cơ sở dữ liệu (fsync, checksum…)
  api_token add|list|revoke TÊN   khóa truy cập API /api/v1/ (docs/api.md)
  audit verify             kiểm tra chuỗi băm của nhật ký
  access_review / reconcile --unit MÃ   rà soát tài khoản, đối chiếu danh sách đảng viên
  disable_inactive_accounts / purge_security_logs   việc định kỳ

Mỗi lệnh có --help riêng.
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tochuc.settings")
    from django.core.management import execute_from_command_line

    args[0] = ALIASES.get(args[0], args[0])
    try:
        execute_from_command_line(["tochuc", *args])
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0
