#!/bin/bash
# The device side of benchmarks/gpu_make.py (session 13): run from a folder .gpu/ of the checkout
# the device tool sends, ignored by .git/info/exclude and named in `carry`. Prepared here with:
#   pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux_2_28_x86_64 (and older manylinux tags) -d whl diffusers==0.42.1 \
#     torchao==0.17.0 av==18.1.0 c2pa-python==0.38.1 cryptography==48.0.0 cffi pycparser \
#     ftfy==6.3.1 wcwidth toml importlib_metadata imageio-ffmpeg==0.8.1
#   unzip each into site/, delete site/imageio_ffmpeg/binaries/*ffmpeg* (68 MB: too big to
#   travel; benchmarks/ffmpeg_standin.py stands in), tar cf - -C site . | xz -7 > .gpu/site.tar.xz
#   cp -r vidgen checkers .gpu/src/ (without vidgen/assets); cp benchmarks/gpu_make.py
#   benchmarks/ffmpeg_standin.py .gpu/src/benchmarks/; cp this file .gpu/run.sh
# Then: run(command="BUDGET=400 bash .gpu/run.sh", carry=[".gpu"], timeout_s=450).
set -u
cd "$(dirname "$0")"
t0=$(date +%s)
mkdir -p /tmp/site && tar xJf site.tar.xz -C /tmp/site || exit 3
echo "unpacked carried packages in $(( $(date +%s) - t0 )) s"
export PYTHONPATH=/tmp/site:$PWD/src PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv
python3 -c "import torch, diffusers, torchao, av, c2pa, cryptography, vidgen; print('imports ok', torch.__version__, diffusers.__version__, torchao.__version__, vidgen.__file__)" 2>&1 | grep -v Warn
python3 src/benchmarks/gpu_make.py --out "$OUT" --work /tmp/gm --budget-s "${BUDGET:-390}" "$@" 2>&1 | grep --line-buffered -v "is an Enum subclass" | tee "$OUT/log.txt"
(cd /tmp/gm/clips 2>/dev/null && tar czf "$OUT/clips_text.tgz" *.txt *.json 2>/dev/null)
echo "done in $(( $(date +%s) - t0 )) s"
