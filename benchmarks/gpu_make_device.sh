#!/bin/bash
# The device side of benchmarks/gpu_make.py and gpu_make_conditioning.py: the GPU machine has no
# network, so the Python 3.12 packages it lacks travel as .gpu/site.tar.xz (a folder ignored
# through .git/info/exclude and named in the device tool's `carry`). Prepared with:
#   pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
#     --platform manylinux_2_28_x86_64 (and older manylinux tags, and any) -d whl \
#     diffusers==0.42.1 torchao==0.17.0 av==18.1.0 c2pa-python==0.38.1 cryptography==48.0.0 \
#     cffi pycparser ftfy==6.3.1 wcwidth toml importlib_metadata imageio-ffmpeg==0.8.1 \
#     peft==0.21.2 gguf==0.19.0 bitsandbytes==0.50.2
#   unzip each into site/; delete site/imageio_ffmpeg/binaries/*ffmpeg* (68 MB: too big to
#   travel; benchmarks/ffmpeg_standin.py stands in) and every site/bitsandbytes/lib*.so but
#   _cpu and _cuda130 (the device's torch is cu130; the other CUDA and ROCm builds are 120 MB);
#   tar cf - -C site . | xz -7 > .gpu/site.tar.xz (47 MB in session 14; 64 MiB may travel).
# The device tool sends the checkout of the session that holds it (/work/main), not a helper's
# worktree: a branch's code travels in .gpu/ too, beside the packages, in that checkout:
#   mkdir -p /work/main/.gpu/src/benchmarks /work/main/.gpu/src/tests
#   cp .gpu/site.tar.xz /work/main/.gpu/; cp benchmarks/gpu_make_device.sh /work/main/.gpu/run.sh
#   tar cf - --exclude=assets --exclude=__pycache__ vidgen checkers | tar xf - -C /work/main/.gpu/src
#   cp benchmarks/gpu_make*.py benchmarks/ffmpeg_standin.py /work/main/.gpu/src/benchmarks/
#   cp tests/tiny_pipelines.py /work/main/.gpu/src/tests/
# Then: run(command="SCRIPT=gpu_make_conditioning.py BUDGET=420 bash .gpu/run.sh",
#           carry=[".gpu"], timeout_s=490)                     (session 14; SCRIPT=gpu_make.py:
# session 13's). Arguments after run.sh go to the Python script (--frames 81 --variants a,b).
# Run from a checkout without .gpu/src (benchmarks/gpu_make_device.sh), the checkout's own code.
set -u
here=$(cd "$(dirname "$0")" && pwd)  # .gpu or benchmarks: the checkout's root is above
root=$(cd "$here/.." && pwd)
src=$root
[ -d "$here/src" ] && src=$here/src
cd "$src"  # `python -m vidgen` puts the working folder first on sys.path: this code, not main's
t0=$(date +%s)
mkdir -p /tmp/site && tar xJf "$root/.gpu/site.tar.xz" -C /tmp/site || exit 3
echo "unpacked carried packages in $(( $(date +%s) - t0 )) s"
export PYTHONPATH=/tmp/site:$src PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
nvidia-smi --query-gpu=name,driver_version,memory.total,memory.used --format=csv
python3 -c "import torch, diffusers, torchao, av, c2pa, cryptography, peft, gguf, vidgen; print('imports ok', torch.__version__, diffusers.__version__, torchao.__version__, peft.__version__, vidgen.__file__)" 2>&1 | grep -v Warn
python3 -c "import bitsandbytes; print('bitsandbytes', bitsandbytes.__version__)" 2>&1 | tail -2
work=/tmp/gm
python3 "$src/benchmarks/${SCRIPT:-gpu_make.py}" --out "$OUT" --work "$work" --budget-s "${BUDGET:-390}" "$@" 2>&1 | grep --line-buffered -v "is an Enum subclass" | tee "$OUT/log.txt"
(cd "$work/clips" 2>/dev/null && tar czf "$OUT/clips_text.tgz" *.txt *.json 2>/dev/null)
echo "done in $(( $(date +%s) - t0 )) s"
