"""Where issued e-fapiao files are kept: instance/invoices/, outside the web
root, under a random name (never the uploaded one)."""
from pathlib import Path

from flask import current_app

from .models import InvoiceRequest


def folder() -> Path:
    path = Path(current_app.instance_path) / "invoices"
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_invoice_file(request: InvoiceRequest) -> bytes | None:
    if not request.stored_name:
        return None
    path = folder() / Path(request.stored_name).name
    return path.read_bytes() if path.exists() else None
