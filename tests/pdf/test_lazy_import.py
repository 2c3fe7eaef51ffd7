"""The PDF libraries (xhtml2pdf, reportlab: ~33 MiB) load at the first render, not with the app;
openpyxl (XLSX exports) and pypdf (uploaded PDFs' checks) at their first use, not with it either.

Checked in a fresh interpreter: the test process has long since imported them for other tests.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["xhtml2pdf", "reportlab"]
LAZY = ["xhtml2pdf", "reportlab", "openpyxl", "pypdf"]

CHECK = """
import sys
from app import create_app

def loaded():
    print(",".join(name for name in LAZY if name in sys.modules))

app = create_app({"TESTING": True})
with app.test_client() as client:
    client.get("/login")
loaded()
from app.pdf.render import html_to_pdf
assert html_to_pdf("<p>Bonjour</p>").startswith(b"%PDF")
loaded()
""".replace("LAZY", repr(LAZY))


def test_the_app_and_a_page_load_no_pdf_or_spreadsheet_library_until_used():
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=ROOT,
        env={"MONGODB_URI": "mongomock://", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.splitlines()[-2:]
    assert before == ""  # none of LAZY loaded
    assert set(HEAVY) <= set(after.split(","))
