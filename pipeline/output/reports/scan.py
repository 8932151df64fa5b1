"""Output of `evpack scan`: the evpack.scan/1 JSON document and a readable table."""
from __future__ import annotations

from pipeline.model import PacketState

SCHEMA = "evpack.scan/1"


def scan_json(state: PacketState) -> dict:
    """One entry per file given, in order; a file that could not be read carries its findings instead of fields."""
    problems: dict[str, list[dict]] = {}
    for finding in state.findings:
        problems.setdefault(finding.file or "", []).append(finding.to_json())
    files = []
    for source in state.inputs:
        reading = state.readings.get(source)
        if reading is not None:
            entry = reading.to_json()
        else:
            entry = {"path": source, "pages": 0, "text_source": "none",
                     "fields": {"tracking_numbers": [], "timestamps": [], "urls": [], "korean_addresses": []},
                     "languages": []}
        if problems.get(source):
            entry["findings"] = problems[source]
        files.append(entry)
    return {"schema": SCHEMA, "files": files}


def scan_text(document: dict) -> str:
    lines = []
    for entry in document["files"]:
        fields = entry["fields"]
        lines.append(f"{entry['path']}  ({entry['pages']} page(s), {entry['text_source']}, "
                     f"languages: {', '.join(entry['languages']) or '-'})")
        for t in fields["tracking_numbers"]:
            lines.append(f"  tracking   {t['value']}  carrier={t['carrier'] or '?'}  checksum={t['checksum']}"
                         f"  p.{t.get('page', 1)}" + (f"  [{t['source']}]" if t.get("source") else ""))
        for t in fields["timestamps"]:
            lines.append(f"  timestamp  {t['value']}  ({t['text']})  p.{t.get('page', 1)}"
                         + (f"  [{t['zone']}{', ' + t['role'] if t.get('role') else ''}]" if t.get("zone") else ""))
        for u in fields["urls"]:
            lines.append(f"  url        {u['value']}{'  [address bar]' if u.get('address_bar') else ''}"
                         f"  p.{u.get('page', 1)}")
        for a in fields["korean_addresses"]:
            postal = f"  ({a['postal_code']})" if a.get("postal_code") else ""
            corrected = f"  [road corrected, read as {a['as_read']}]" if a.get("as_read") else ""
            lines.append(f"  address    {a['value']}{postal}  p.{a.get('page', 1)}{corrected}")
        if entry.get("pages_without_text"):
            lines.append(f"  (no text on {'the photo' if entry['pages'] == 1 else 'pages ' + ', '.join(map(str, entry['pages_without_text']))}: not OCR'd)")
        if not any(fields.values()):
            lines.append("  (no fields found)")
        for f in entry.get("findings", []):
            lines.append(f"  {f['severity'].upper()} [{f['rule']}] {f['message']}"
                         + (f" Fix: {f['fix']}" if f.get("fix") else ""))
    return "\n".join(lines)
