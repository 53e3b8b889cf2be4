"""The Yantai policy package loads as the annex says, row by row; bad packages change nothing."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from ipcity.core.audit import verify_chain
from ipcity.core.models import AuditEntry
from ipcity.orgs.models import Department, District
from ipcity.plan.choices import AssignmentRole
from ipcity.plan.loader import PolicyPackageError, load_package
from ipcity.plan.models import Indicator, Measure, Plan, Programme, Task, TaskAssignment, WorkPoint

PACKAGE = Path(settings.POLICY_ROOT) / "yantai-2022-2024"
SEED = Path(settings.BASE_DIR).parent / "shared" / "seed" / "yantai-ip-action-plan-2022-2024.txt"

U = {
    "AMR": "市市场监管局", "JUS": "市司法局", "COURT": "市法院", "CUSTOMS": "烟台海关", "PSB": "市公安局",
    "COM": "市商务局", "FIN": "市财政局", "EDU": "市教育局", "CULT": "市文化和旅游局", "CBIRC": "烟台银保监分局",
    "SCI": "市科技局", "MIIT": "市工业和信息化局", "NDRC": "市发展改革委", "LFIN": "市地方金融监管局",
    "AGRI": "市农业农村局", "HR": "市人力资源社会保障局",
}  # fmt: skip

# Read off the annex (分工表) of the seed: code, how the text starts and ends, units in annex order.
ANNEX = [
    ("1.1.1", "探索建立行政保护技术", "解司法确认制度。", "AMR JUS COURT"),
    ("1.1.2", "完善跨地区、跨部门知", "审理“三合一”。", "AMR CUSTOMS PSB COURT"),
    ("1.2.1", "完善知识产权侵权投诉", " 10万元奖励。", "AMR COM FIN"),
    ("1.3.1", "完善多元化知识产权纠", "展维权援助工作。", "AMR EDU JUS CULT COURT"),
    ("1.3.2", "培育商业秘密保护示范", "密保护基地建设。", "AMR"),
    ("1.3.3", "健全知识产权信用监管", "予10万元奖励。", "AMR JUS FIN"),
    ("1.4.1", "申报国家海外知识产权", "，给予一定补贴。", "AMR JUS CBIRC FIN"),
    ("1.5.1", "引导电商平台贯彻《电", "高10万元奖励。", "AMR COM FIN"),
    ("2.1.1", "优化知识产权发展指标", "目给予一定奖励。", "AMR FIN"),
    ("2.2.1", "围绕“9+N”重点产", " 15万元资助。", "AMR FIN"),
    ("2.2.2", "支持创新主体聚焦关键", "径申请发明专利。", "AMR FIN SCI"),
    ("2.3.1", "支持服务机构承接全市", "专利产出和运用。", "AMR FIN SCI MIIT"),
    ("2.3.2", "重点支持中科环渤海（", "化为高价值专利。", "AMR SCI"),
    ("3.1.1", "鼓励驻烟高校和科研院", "需发布对接平台。", "AMR EDU MIIT"),
    ("3.2.1", "建立健全知识产权配套", " 50万元奖励。", "AMR FIN"),
    ("3.2.2", "积极推动知识产权军民", "融合和优势聚合。", "NDRC AMR"),
    ("3.3.1", "以黄渤海新区、高新区", "一体的金融链条。", "AMR"),
    ("3.3.2", "企业将自身发明专利首", " 10万元贴息。", "AMR FIN"),
    ("3.3.3", "每年对开展专利质押融", "100万元奖励。", "AMR LFIN CBIRC FIN"),
    ("3.3.4", "发行知识产权证券化产", "50 万元奖励。", "AMR FIN"),
    ("3.3.5", "完善知识产权金融风险", "多 5万元补贴。", "AMR FIN CBIRC"),
    ("4.1.1", "实施中小企业知识产权", "，给予一定奖励。", "AMR SCI COM FIN"),
    ("4.2.1", "支持驻烟高校、知识产", "工作标准和规范。", "AMR EDU SCI MIIT"),
    ("4.3.1", "积极探索技术专利化、", "转化成各类标准。", "AMR NDRC SCI MIIT"),
    ("5.1.1", "开展专利密集型产业课", "型产品评定办法。", "AMR"),
    ("5.1.2", "依托黄渤海新区、高新", "区市）予以奖励。", "AMR MIIT COM FIN"),
    ("5.2.1", "推动在相关领域组建产", "管理和运用能力。", "AMR FIN"),
    ("5.2.2", "建设功能完备、服务优", "高50万元奖励。", "AMR FIN"),
    ("5.3.1", "支持国家级、省级地理", "资助 10万元。", "AMR AGRI FIN"),
    ("5.4.1", "建立商标品牌指导站，", " 50万元奖励。", "AMR AGRI FIN"),
    ("6.1.1", "加强烟台知识产权保护", "和“一网通办”。", "AMR SCI COM"),
    ("6.1.2", "指导和支持各区市建立", "，就地服务企业。", "AMR"),
    ("6.1.3", "加强部门联合，完善烟", "识产权服务机制。", "AMR MIIT COM"),
    ("6.2.1", "完善配套政策，建立知", "构开展涉外服务。", "AMR NDRC HR"),
    ("6.3.1", "探索建立行业标准和评", " 20万元奖励。", "AMR FIN"),
    ("7.1.1", "充实知识产权领域专家", "权人才培养基地。", "AMR EDU HR"),
    ("7.2.1", "将高价值专利项目、专", "业人才队伍建设。", "AMR HR"),
    ("7.3.1", "争取承办国际国内高端", "权工作的影响力。", "AMR"),
]


def _seed_annex() -> str:
    text = SEED.read_text(encoding="utf-8")
    joined = "".join(line.strip() for line in text.splitlines())
    return joined[joined.index("附件：") :]


def test_the_loaded_plan_matches_the_annex_row_by_row(plan):
    tasks = list(Task.objects.filter(plan=plan).order_by("order").prefetch_related("assignments__department"))
    assert len(tasks) == 38 == len(ANNEX)
    annex = _seed_annex() if SEED.exists() else None
    for task, (code, start, end, units) in zip(tasks, ANNEX, strict=True):
        assert task.code == code
        assert task.text.startswith(start), code
        assert task.text.endswith(end), code
        if annex is not None:
            assert task.text in annex, f"{code}: text is not verbatim from the seed annex"
        assignments = sorted(task.assignments.all(), key=lambda a: a.order)
        assert [a.department.name for a in assignments] == [U[u] for u in units.split()], code
        assert [a.role for a in assignments] == [AssignmentRole.LEAD] + [AssignmentRole.SUPPORT] * (
            len(assignments) - 1
        )


def test_structure_counts_and_numbering(plan):
    assert Programme.objects.filter(plan=plan).count() == 7
    assert Measure.objects.filter(programme__plan=plan).count() == 24
    per_programme = [
        Task.objects.filter(plan=plan, measure__programme__number=n).count() for n in range(1, 8)
    ]
    assert per_programme == [8, 5, 8, 3, 6, 5, 3]
    measures = [
        Measure.objects.filter(programme__plan=plan, programme__number=n).count() for n in range(1, 8)
    ]
    assert measures == [5, 3, 3, 3, 4, 3, 3]
    m = Measure.objects.get(programme__plan=plan, code="1.2")
    assert (m.title, m.clause) == ("开展市场提升行动", "二(一)2")
    assert m.main_text.startswith("开展市场提升行动。完善知识产权侵权投诉受理机制")
    assert m.main_text_units == ["市市场监管局", "市商务局", "市财政局"]
    assert Task.objects.get(plan=plan, code="3.2.2").measure.code == "3.2"


def test_plan_metadata(plan):
    assert plan.title == "烟台市知识产权高质量发展三年行动方案"
    assert plan.document_number == "烟政办字〔2022〕19号"
    assert plan.issuer == "烟台市人民政府办公室"
    assert plan.issued_on.isoformat() == "2022-05-13"
    assert (plan.start_year, plan.end_year) == (2022, 2024)
    assert "万人高价值发明专利拥有量达到 8.1 件" in plan.goals_text
    assert [p[:4] for p in plan.safeguards_text.split("\n\n")] == ["（一）加", "（二）加", "（三）加"]


def test_organisations(plan):
    names = list(Department.objects.order_by("order").values_list("name", flat=True))
    assert names == list(U.values())
    assert Department.objects.get(name="烟台海关").name_en == "Yantai Customs"
    assert District.objects.count() == 14
    assert District.objects.get(name="蓬莱区").division_code == "370614"
    committees = District.objects.filter(kind="management_committee")
    assert set(committees.values_list("name", flat=True)) == {
        "烟台黄渤海新区",
        "烟台高新区",
        "长岛综合试验区",
    }
    assert not any(committees.values_list("division_code", flat=True))


def test_indicators(plan):
    hv = Indicator.objects.get(plan=plan, code="high-value-patents-per-10k")
    assert (hv.target, hv.target_year, hv.comparison) == (Decimal("8.1"), 2024, "at_least")
    assert hv.computed_by == "patents.high_value_per_10k"
    assert Indicator.objects.get(plan=plan, code="protection-satisfaction").target == 85
    assert Indicator.objects.get(plan=plan, code="new-advantage-enterprises").comparison == "cumulative"
    assert Indicator.objects.get(plan=plan, code="pledge-count").comparison == "growth_rate"
    assert (
        Indicator.objects.get(plan=plan, code="advantage-enterprises-per-year").comparison
        == "at_most_per_year"
    )
    assert Indicator.objects.filter(plan=plan).count() == 12


def test_second_load_changes_nothing_and_says_so(plan, capsys):
    audits = AuditEntry.objects.count()
    call_command("load_policy", str(PACKAGE))
    assert "Unchanged" in capsys.readouterr().out
    assert AuditEntry.objects.count() == audits


def test_a_load_is_audited(db):
    result = load_package(PACKAGE)
    assert result.changed
    entry = AuditEntry.objects.get(action="plan.load")
    after = entry.after or {}
    assert after["package_digest"] == result.digest == Plan.objects.get().package_digest
    assert after["tasks"] == 38
    assert list(verify_chain()) == []


# --- bad packages ------------------------------------------------------------------------------


def copy_package(tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(PACKAGE, target)
    return target


def edit(folder: Path, name: str, change) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def task_index(data, code):
    return next(i for i, t in enumerate(data["tasks"]) if t["code"] == code)


def state():
    return (
        Plan.objects.count(),
        Task.objects.count(),
        TaskAssignment.objects.count(),
        Department.objects.count(),
        AuditEntry.objects.count(),
        list(Task.objects.order_by("code").values_list("text", flat=True)),
    )


def unknown_department(data):
    data["tasks"][task_index(data, "3.2.2")]["responsible_units"][0] = "市发改委"


def duplicate_code(data):
    data["tasks"][task_index(data, "1.1.2")]["code"] = "1.1.1"


def missing_title(data):
    del data["programmes"][1]["measures"][0]["title"]


def measure_without_task(data):
    data["tasks"] = [t for t in data["tasks"] if not t["code"].startswith("1.2.")]


def wrong_numbering(data):
    data["tasks"][task_index(data, "3.3.2")]["code"] = "3.3.7"


BAD = [
    (unknown_department, 'plan.yaml: tasks[15] (3.2.2): responsible_units[0]: unknown department "市发改委"'),
    (duplicate_code, "plan.yaml: tasks[1] (1.1.1): duplicate task code"),
    (missing_title, "plan.yaml: programmes[1].measures[0] (2.1).title: Field required"),
    (measure_without_task, "plan.yaml: measure 1.2: has no task"),
    (wrong_numbering, "plan.yaml: tasks[17] (3.3.7): code does not follow the numbering: expected 3.3.2"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[c.__name__ for c, _ in BAD])
def test_bad_package_on_empty_database_names_the_entry_and_writes_nothing(db, tmp_path, change, message):
    folder = copy_package(tmp_path)
    edit(folder, "plan.yaml", change)
    before = state()
    with pytest.raises(CommandError) as info:
        call_command("load_policy", str(folder))
    assert message in str(info.value)
    assert "nothing changed" in str(info.value)
    assert state() == before == (0, 0, 0, 0, 0, [])


@pytest.mark.parametrize(("change", "message"), BAD[:2], ids=["unknown_department", "duplicate_code"])
def test_bad_update_of_a_loaded_plan_changes_nothing(plan, tmp_path, change, message):
    folder = copy_package(tmp_path)

    def also_edit_text(data):
        data["tasks"][0]["text"] = "改过的文字"
        change(data)

    edit(folder, "plan.yaml", also_edit_text)
    before = state()
    with pytest.raises(PolicyPackageError) as info:
        load_package(folder)
    assert message in info.value.problems
    assert state() == before


def test_bad_yaml_names_the_file_and_line(db, tmp_path):
    folder = copy_package(tmp_path)
    (folder / "indicators.yaml").write_text("indicators:\n  - code: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyPackageError) as info:
        load_package(folder)
    assert info.value.problems[0].startswith("indicators.yaml: line ")
    assert "invalid YAML" in info.value.problems[0]
    assert Plan.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_missing_file_and_unknown_field_are_reported(db, tmp_path):
    folder = copy_package(tmp_path)
    (folder / "organisations.yaml").unlink()
    edit(folder, "indicators.yaml", lambda d: d["indicators"][0].update(targte=1))
    with pytest.raises(PolicyPackageError) as info:
        load_package(folder)
    assert any(p.startswith("organisations.yaml: file is missing") for p in info.value.problems)
    assert any(
        p.startswith("indicators.yaml: indicators[0] (protection-satisfaction).targte: Extra inputs")
        for p in info.value.problems
    )


def test_failure_during_the_write_rolls_everything_back(plan, tmp_path):
    """A task with work attached cannot disappear; the text edits made before that point roll back."""
    task = Task.objects.get(plan=plan, code="7.3.1")
    WorkPoint.objects.create(
        task=task,
        year=2023,
        title="白皮书",
        due_date="2023-04-26",
        department=Department.objects.get(code="amr"),
    )
    folder = copy_package(tmp_path)

    def drop_last(data):
        data["tasks"][0]["text"] = "改过的文字"
        data["programmes"][6]["measures"][2]["title"] = "改过"
        data["tasks"] = [t for t in data["tasks"] if t["code"] != "7.3.1"]
        data["programmes"][6]["measures"] = data["programmes"][6]["measures"][:2]

    edit(folder, "plan.yaml", drop_last)
    before = state()
    with pytest.raises(PolicyPackageError) as info:
        load_package(folder)
    assert "7.3.1" in info.value.problems[0]
    assert state() == before
    assert Task.objects.get(plan=plan, code="1.1.1").text.startswith("探索建立")


def test_reloading_an_updated_package_updates_in_place(plan, tmp_path):
    task = Task.objects.get(plan=plan, code="3.2.2")
    task_id = task.pk
    folder = copy_package(tmp_path)

    def change(data):
        row = data["tasks"][task_index(data, "3.2.2")]
        row["text"] = row["text"] + "（修订）"
        row["responsible_units"] = ["市市场监管局", "市发展改革委", "市财政局"]

    edit(folder, "plan.yaml", change)
    audits = AuditEntry.objects.count()
    result = load_package(folder)
    assert result.changed
    task = Task.objects.get(plan=plan, code="3.2.2")
    assert task.pk == task_id
    assert task.text.endswith("（修订）")
    assert [a.department.name for a in task.assignments.order_by("order")] == [
        "市市场监管局",
        "市发展改革委",
        "市财政局",
    ]
    assert task.assignments.get(order=1).role == AssignmentRole.LEAD
    assert Task.objects.count() == 38
    assert AuditEntry.objects.count() == audits + 1
    assert load_package(folder).changed is False
