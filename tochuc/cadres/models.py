"""Cadre work that is not an event: the catalogue of posts and their standards, planning periods
with their thresholds, competitive-selection processes, and staffing quotas.

Cadre decisions, planning additions and removals, training and exam results are events
(`tochuc.events`); posts held are derived from them (`PositionHolding`). The rows here refer to
events by foreign key where a process ends in one (a selection's exam results and appointment).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class ManagingLevel(models.TextChoices):
    POLITBURO = "politburo", "Diện Bộ Chính trị, Ban Bí thư quản lý"
    PROVINCIAL = "provincial", "Diện Ban Thường vụ Tỉnh ủy, Thành ủy quản lý"
    DISTRICT = "district", "Diện Ban Thường vụ cấp ủy cấp trên cơ sở quản lý"
    GRASSROOTS = "grassroots", "Diện cấp ủy cơ sở quản lý"
    AGENCY = "agency", "Diện cơ quan, đơn vị quản lý"


class PoliticalTheory(models.IntegerChoices):
    # Ranked: a higher level satisfies a lower requirement (HD 12-HD/BTCTW, Biểu 3-TCTW).
    NONE = 0, "Không yêu cầu / chưa có"
    ELEMENTARY = 1, "Sơ cấp"
    INTERMEDIATE = 2, "Trung cấp"
    ADVANCED = 3, "Cao cấp, cử nhân"


class StateManagement(models.IntegerChoices):
    NONE = 0, "Không yêu cầu / chưa có"
    OFFICER = 1, "Chuyên viên"
    PRINCIPAL = 2, "Chuyên viên chính"
    SENIOR = 3, "Chuyên viên cao cấp"


class Professional(models.IntegerChoices):
    NONE = 0, "Không yêu cầu / chưa có"
    INTERMEDIATE = 1, "Trung cấp"
    COLLEGE = 2, "Cao đẳng"
    BACHELOR = 3, "Đại học"
    MASTER = 4, "Thạc sĩ"
    DOCTOR = 5, "Tiến sĩ"


class DefenseGroup(models.IntegerChoices):
    # NĐ 139/2020: group 1 is the most senior; a course for a more senior group satisfies a junior one.
    NONE = 0, "Không yêu cầu / chưa có"
    GROUP_1 = 1, "Đối tượng 1"
    GROUP_2 = 2, "Đối tượng 2"
    GROUP_3 = 3, "Đối tượng 3"
    GROUP_4 = 4, "Đối tượng 4"


class Post(models.Model):
    """A leadership or management post (chức danh) in one unit."""

    name = models.CharField("chức danh", max_length=255)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    managing_level = models.CharField("cấp quản lý", max_length=16, choices=ManagingLevel.choices)
    is_party_committee = models.BooleanField("chức danh cấp ủy", default=False)
    active = models.BooleanField("đang sử dụng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "chức danh"
        ordering = ["unit__code", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="cadres_post_unit_name")]

    def __str__(self) -> str:
        return self.name


class PostStandard(models.Model):
    """What a post requires, for the period in which a regulation set it (valid_to exclusive)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="standards")
    political_theory = models.PositiveSmallIntegerField("lý luận chính trị", choices=PoliticalTheory.choices, default=0)
    state_management = models.PositiveSmallIntegerField("quản lý nhà nước", choices=StateManagement.choices, default=0)
    professional = models.PositiveSmallIntegerField("chuyên môn", choices=Professional.choices, default=0)
    defense_group = models.PositiveSmallIntegerField("quốc phòng – an ninh", choices=DefenseGroup.choices, default=0)
    valid_from = models.DateField("áp dụng từ")
    valid_to = models.DateField("đến (không kể)", null=True, blank=True)
    source = models.CharField("căn cứ", max_length=255, blank=True, default="")

    class Meta:
        verbose_name = "tiêu chuẩn chức danh"
        ordering = ["post_id", "valid_from"]

    def __str__(self) -> str:
        return f"{self.post_id} từ {self.valid_from:%d/%m/%Y}"


class PlanningPeriod(models.Model):
    """A planning term (e.g. 2020-2025) with the limits and list quotas applied to it.

    The defaults follow QĐ 50-QĐ/TW (2021) and QĐ 377-QĐ/TW (2025), DOMAIN-RULES.md §5.4; every
    value is editable because earlier guidance is uncertain [U].
    """

    code = models.CharField("nhiệm kỳ quy hoạch", max_length=16, unique=True)
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày")
    max_candidates_per_post = models.PositiveSmallIntegerField("số người tối đa cho một chức danh", default=3)
    max_posts_per_person = models.PositiveSmallIntegerField("số chức danh tối đa cho một người", default=3)
    women_min_pct = models.DecimalField("tỷ lệ nữ tối thiểu (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    young_min_pct = models.DecimalField("tỷ lệ cán bộ trẻ tối thiểu (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    young_max_age = models.PositiveSmallIntegerField("cán bộ trẻ: dưới … tuổi", default=40)
    minority_min_pct = models.DecimalField(
        "tỷ lệ dân tộc thiểu số tối thiểu (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.CharField("căn cứ", max_length=255, blank=True, default="")

    class Meta:
        verbose_name = "nhiệm kỳ quy hoạch"
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.code


class SelectionStatus(models.TextChoices):
    OPEN = "open", "Đang tổ chức"
    DECIDED = "decided", "Đã có kết quả"
    APPOINTED = "appointed", "Đã bổ nhiệm"


class Selection(models.Model):
    """A competitive selection (thi tuyển) for one post: candidates, scored rounds, result."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="selections", verbose_name="chức danh")
    title = models.CharField("tên kỳ thi tuyển", max_length=255)
    opened_on = models.DateField("ngày bắt đầu")
    pass_score = models.DecimalField("điểm đạt tối thiểu", max_digits=6, decimal_places=2, default=Decimal("50"))
    status = models.CharField(max_length=16, choices=SelectionStatus.choices, default=SelectionStatus.OPEN)
    decided_on = models.DateField("ngày có kết quả", null=True, blank=True)
    winner = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    appointment = models.ForeignKey("events.Event", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = "thi tuyển"
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return self.title


class SelectionRound(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="rounds")
    order = models.PositiveSmallIntegerField("thứ tự")
    name = models.CharField("vòng", max_length=128)
    weight = models.DecimalField("hệ số", max_digits=4, decimal_places=2, default=Decimal("1"))

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["selection", "order"], name="cadres_round_order")]

    def __str__(self) -> str:
        return self.name


class SelectionCandidate(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    exam_event = models.ForeignKey("events.Event", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["selection", "person"], name="cadres_candidate_once")]

    def __str__(self) -> str:
        return f"{self.selection_id}: {self.person_id}"


class SelectionScore(models.Model):
    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="scores")
    candidate = models.ForeignKey(SelectionCandidate, on_delete=models.CASCADE, related_name="scores")
    score = models.DecimalField("điểm", max_digits=6, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "candidate"], name="cadres_score_once")]

    def __str__(self) -> str:
        return str(self.score)


class StaffingQuota(models.Model):
    """Biên chế: the staff a unit is allotted for a year, and the staff it actually has."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    year = models.PositiveSmallIntegerField("năm")
    quota = models.PositiveIntegerField("biên chế được giao")
    actual = models.PositiveIntegerField("biên chế có mặt")

    class Meta:
        verbose_name = "biên chế"
        ordering = ["unit__code", "year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="cadres_quota_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.quota}"


class StreamliningTarget(models.Model):
    """The reduction a unit must reach between two years (e.g. NQ 39-NQ/TW: −10% over 2015–2021)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="đơn vị")
    base_year = models.PositiveSmallIntegerField("năm gốc")
    target_year = models.PositiveSmallIntegerField("năm đích")
    reduction_pct = models.DecimalField("tỷ lệ tinh giản (%)", max_digits=5, decimal_places=2)
    source = models.CharField("căn cứ", max_length=255, blank=True, default="")

    class Meta:
        verbose_name = "chỉ tiêu tinh giản biên chế"
        constraints = [models.UniqueConstraint(fields=["unit", "base_year", "target_year"], name="cadres_streamline_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.base_year}–{self.target_year}: −{self.reduction_pct}%"
