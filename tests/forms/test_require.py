"""Using kolben.forms without WTForms names the extra to install."""

from __future__ import annotations

import subprocess
import sys


def test_import_without_wtforms_names_the_extra() -> None:
    code = (
        "import sys; sys.modules['wtforms'] = None\n"
        "try:\n"
        "    import kolben.forms\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == (
        "kolben.forms needs WTForms: install it with 'pip install kolben[forms]'."
    )


def test_importing_kolben_forms_loads_no_email_validator() -> None:
    code = (
        "import sys, kolben.forms, kolben.forms.file, kolben.forms.recaptcha; "
        "print('email_validator' in sys.modules, 'wtforms' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "True"]
