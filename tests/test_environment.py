"""Version report and hardware facts shown in 00_start_here."""

from __future__ import annotations

from helpers.environment import hardware, read_pins, versions_table


def test_read_pins(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("# comment\nnumpy==2.4.6  # why\nPandas==3.1.1\nunpinned>=1\n")
    assert read_pins(req) == {"numpy": "2.4.6", "pandas": "3.1.1"}


def test_versions_table_flags_differences():
    table = versions_table(
        {
            "numpy": "0.0.1",
            "pytest": __import__("pytest").__version__,
            "surely-not-installed-pkg": "1.0",
        }
    )
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


def test_read_pins_accepts_a_str_path_and_names_a_missing_file(tmp_path):
    from helpers.validation import CourseInputError

    import pytest

    req = tmp_path / "requirements.txt"
    req.write_text("numpy==2.4.6\n")
    assert read_pins(str(req)) == {"numpy": "2.4.6"}
    assert list(versions_table(str(req)).index) == ["numpy"]
    with pytest.raises(CourseInputError, match="is not a file"):
        read_pins(tmp_path / "nope.txt")
    with pytest.raises(CourseInputError, match=r"pins must be a dict"):
        versions_table(["numpy==2.4.6"])


def test_read_pins_skips_other_platforms(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text(
        "numpy==2.4.6 \\\n    --hash=sha256:abc\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n"
        "appnope==1.0.0 ; sys_platform == 'darwin'\n"
        "pytest==9.0.0 ; python_version >= '3.8'\n"
    )
    pins = read_pins(req)
    import sys

    assert pins["numpy"] == "2.4.6" and pins["pytest"] == "9.0.0"
    assert ("colorama" in pins) == (sys.platform == "win32")
    assert ("appnope" in pins) == (sys.platform == "darwin")
