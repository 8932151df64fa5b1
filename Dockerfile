# evpack in a container: Debian 12's Tesseract with its Korean, English and Chinese data, the cover's fonts, and
# evpack in a virtual environment with the in-process OCR engine (tesserocr, built against that Tesseract).
#   docker build -t evpack .
#   docker run --rm -v "$PWD:/work" evpack check /work/PACKET --lang zh_Hans
#   docker run --rm -v "$PWD:/work" -v evpack-data:/data evpack build /work/PACKET -o /work/out
# The ledger and the read cache live in /data: keep it in a volume, or the ledger is lost with the container.
# BASE is any Debian 12 (bookworm) image: Docker's own by default; where it cannot be pulled, one made with
# debootstrap and `docker import` serves (`docker build --build-arg BASE=NAME .`; bench/README.md, "The container").
ARG BASE=debian:bookworm-slim
FROM ${BASE}
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates python3 python3-venv python3-dev \
      tesseract-ocr tesseract-ocr-kor tesseract-ocr-eng tesseract-ocr-chi-sim fonts-nanum fonts-wqy-zenhei \
      fonts-dejavu-core libtesseract-dev libleptonica-dev pkg-config g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/evpack
COPY pyproject.toml README.md ./
COPY pipeline pipeline
COPY stages stages
COPY templates templates
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-cache-dir --no-binary tesserocr '.[tesserocr]' \
 && apt-get purge -y --auto-remove g++ pkg-config python3-dev libtesseract-dev libleptonica-dev \
 && rm -rf /opt/evpack/build
ENV PATH=/opt/venv/bin:$PATH LANG=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 \
    EVPACK_LEDGER=/data/ledger.sqlite3 EVPACK_CACHE_DIR=/data/cache
VOLUME /data
WORKDIR /work
ENTRYPOINT ["evpack"]
CMD ["doctor"]
