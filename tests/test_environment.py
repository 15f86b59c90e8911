"""Version report and hardware facts shown in 00_start_here."""

from __future__ import annotations

from helpers.environment import hardware, read_pins, versions_table


def test_read_pins(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("# comment\nnumpy==2.4.6  # why\nPandas==3.1.1\nunpinned>=1\n")
    assert read_pins(req) == {"numpy": "2.4.6", "pandas": "3.1.1"}


def test_versions_table_flags_differences():
    table = versions_table({"numpy": "0.0.1", "pytest": __import__("pytest").__version__,
                            "surely-not-installed-pkg": "1.0"})
    assert table.loc["numpy", "status"] == "different"
    assert table.loc["pytest", "status"] == "ok"
    assert table.loc["surely-not-installed-pkg", "status"] == "missing"


def test_installed_environment_matches_pins():
    table = versions_table()
    wrong = table[table.status != "ok"]
    assert wrong.empty, f"installed packages differ from requirements.txt:\n{wrong}"


def test_hardware_reports_cores_and_gpus():
    facts = hardware()
    assert facts["cpu cores"] >= 1
    assert "GPUs visible to TensorFlow" in facts
