#!/usr/bin/env bash
# Installs the system packages evpack needs on Debian/Ubuntu, only where something is missing.
set -euo pipefail
need=()
command -v tesseract >/dev/null || need+=(tesseract-ocr)
for lang in kor eng chi_sim; do
  tesseract --list-langs 2>/dev/null | grep -qx "$lang" || need+=("tesseract-ocr-${lang//_/-}")
done
# tesserocr (evpack's in-process Tesseract) is compiled against the system Tesseract.
[ -f /usr/include/tesseract/baseapi.h ] || need+=(libtesseract-dev)
[ -f /usr/include/leptonica/allheaders.h ] || need+=(libleptonica-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v g++ >/dev/null || need+=(g++)
python3 -c 'import os, sysconfig; raise SystemExit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))' \
  || need+=(python3-dev)
[ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || need+=(fonts-nanum)
[ -d /usr/share/fonts/truetype/wqy ] || need+=(fonts-wqy-zenhei)
fc-list 2>/dev/null | grep -q "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v gs >/dev/null || need+=(ghostscript)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v chromium >/dev/null || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "Installing system packages: ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
