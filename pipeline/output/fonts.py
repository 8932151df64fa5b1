"""The fonts of the cover page: find the Korean font (and a fallback for Chinese characters) and register
them with reportlab, which embeds only the glyphs used (a subset).

Which files to look for, and where, is data: templates/cover/fonts.toml. reportlab is imported by the functions
that register fonts, and the markup's escaping (xml.sax.saxutils, which imports urllib.request, http.client, ssl
and email: ~20 ms CPU) by `markup`: `font_files` also serves the reader's Korean self-test, which runs in every
process that OCRs and needs neither.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.datafiles import load_toml
from pipeline.errors import MissingDependencyError

FONTS_DATA = Path(__file__).resolve().parents[2] / "templates" / "cover" / "fonts.toml"

REGULAR = "evpack-ko"
BOLD = "evpack-ko-bold"
FALLBACK = "evpack-cjk-fallback"


@dataclass(frozen=True)
class CoverFonts:
    """reportlab names of the registered fonts, and which characters each one has."""

    regular: str
    bold: str
    fallback: str | None
    regular_chars: frozenset[int]
    fallback_chars: frozenset[int]
    fallback_install: str  # what installs the fallback font, for a note about characters no font has

    def markup(self, text: str) -> str:
        """`text` escaped for a reportlab Paragraph, with each run the Korean font lacks set in the fallback."""
        from xml.sax.saxutils import escape
        runs: list[tuple[bool, str]] = []
        for ch in text:
            use_fallback = self._needs_fallback(ch)
            if runs and runs[-1][0] == use_fallback:
                runs[-1] = (use_fallback, runs[-1][1] + ch)
            else:
                runs.append((use_fallback, ch))
        return "".join(f'<font face="{self.fallback}">{escape(run)}</font>' if use_fallback else escape(run)
                       for use_fallback, run in runs)

    def missing(self, text: str) -> str:
        """The characters of `text` no registered font can show (they would print as empty boxes)."""
        return "".join(dict.fromkeys(ch for ch in text if ch.isprintable() and not ch.isspace()
                                     and ord(ch) not in self.regular_chars and ord(ch) not in self.fallback_chars))

    def _needs_fallback(self, ch: str) -> bool:
        return (self.fallback is not None and not ch.isspace() and ord(ch) not in self.regular_chars
                and ord(ch) in self.fallback_chars)


@lru_cache(maxsize=2)
def cover_fonts(data_path: Path = FONTS_DATA) -> CoverFonts:
    """Find and register the cover's fonts (once per process and data file).

    MissingDependencyError (exit 3) if the Korean font is not installed: its fix is the install command.
    """
    data = _read(data_path)
    dirs = [Path(d).expanduser() for d in data["search_dirs"]]
    korean = data["korean"]
    regular_path = _find(tuple(korean["regular"]), tuple(dirs))
    if regular_path is None:
        raise MissingDependencyError(
            f"The Korean font for the cover page ({' or '.join(korean['regular'])}) is not installed "
            f"(looked under {', '.join(str(d) for d in dirs)}).", korean["install"])
    bold_path = _find(tuple(korean["bold"]), tuple(dirs)) or regular_path  # a plain bold beats no cover
    from reportlab.pdfbase import pdfmetrics
    regular = _register(REGULAR, regular_path)
    _register(BOLD, bold_path)
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    fallback, fallback_chars = None, frozenset()
    for candidate in data.get("fallback", {}).get("files", ()):
        path = _find((candidate["file"],), tuple(dirs))
        if path is not None:
            font = _register(FALLBACK, path, candidate.get("subfont", 0))
            fallback, fallback_chars = FALLBACK, frozenset(font.face.charToGlyph)
            break
    return CoverFonts(regular=REGULAR, bold=BOLD, fallback=fallback,
                      regular_chars=frozenset(regular.face.charToGlyph), fallback_chars=fallback_chars,
                      fallback_install=data.get("fallback", {}).get("install", ""))


def font_files(data_path: Path = FONTS_DATA) -> dict[str, Path | None]:
    """The font files the cover would use, found as cover_fonts finds them, without registering anything:
    {"korean": path or None, "fallback": path or None}."""
    data = _read(data_path)
    dirs = tuple(Path(d).expanduser() for d in data["search_dirs"])
    fallback = next((path for candidate in data.get("fallback", {}).get("files", ())
                     if (path := _find((candidate["file"],), dirs)) is not None), None)
    return {"korean": _find(tuple(data["korean"]["regular"]), dirs), "fallback": fallback}


def _register(name: str, path: Path, subfont: int = 0) -> TTFont:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont
    try:
        font = TTFont(name, str(path), subfontIndex=subfont)
    except (TTFError, OSError) as exc:
        raise MissingDependencyError(f"The font file {path} cannot be used: {exc}.",
                                     "reinstall the font package (sudo apt-get install --reinstall fonts-nanum).") \
            from None
    pdfmetrics.registerFont(font)
    return font


@lru_cache(maxsize=16)
def _find(names: tuple[str, ...], dirs: tuple[Path, ...]) -> Path | None:
    """The first of `names` (in order of preference) found under any of `dirs`, at any depth."""
    for name in names:
        for folder in dirs:
            if folder.is_dir():
                match = next(iter(sorted(folder.rglob(name))), None)
                if match is not None:
                    return match
    return None


def _read(path: Path) -> dict:
    return load_toml(path, "Font list")
