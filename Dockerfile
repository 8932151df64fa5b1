# evpack in a container: Debian's Tesseract with its Korean, English and Chinese data, the cover's fonts, and evpack
# with the in-process OCR engine (tesserocr, built against that Tesseract).
#   docker build -t evpack .
#   docker run --rm -v "$PWD:/work" evpack check /work/PACKET --lang zh_Hans
#   docker run --rm -v "$PWD:/work" -v evpack-data:/data evpack build /work/PACKET -o /work/out
# The ledger and the read cache live in /data: keep it in a volume, or the ledger is lost with the container.
FROM python:3.11-slim-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-kor tesseract-ocr-eng \
      tesseract-ocr-chi-sim fonts-nanum fonts-wqy-zenhei libtesseract-dev libleptonica-dev pkg-config g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/evpack
COPY pyproject.toml README.md ./
COPY pipeline pipeline
COPY stages stages
COPY templates templates
RUN pip install --no-cache-dir --no-binary tesserocr '.[tesserocr]' \
 && apt-get purge -y --auto-remove g++ pkg-config
ENV EVPACK_LEDGER=/data/ledger.sqlite3 EVPACK_CACHE_DIR=/data/cache
VOLUME /data
WORKDIR /work
ENTRYPOINT ["evpack"]
CMD ["doctor"]
