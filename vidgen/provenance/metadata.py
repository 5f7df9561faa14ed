"""Container metadata: MP4 tags and an XMP packet that say what the clip is.

Tags are the layer most tools show (ffprobe, file managers, exiftool), and the first to
go on a remux, which is why the C2PA manifest and the watermark back them up. Both are
written before signing, so the manifest's hash covers them.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from vidgen import __version__

XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")  # Adobe's XMP box in ISO BMFF
C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")  # the C2PA manifest store box
IPTC_AI = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
TAG = "vidgen"  # the custom tag holding the compact record

_XMP = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    Iptc4xmpExt:DigitalSourceType="{source}"
    xmp:CreatorTool="{tool}">
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{description}</rdf:li></rdf:Alt>
   </dc:description>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def _xml_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


# Top-level record fields the tag leaves out (the signed manifest carries the whole record).
LEFT_OUT_OF_TAGS = ("weights", "weight_files", "scheduler", "timings", "warnings", "environment")


def compact_record(record: dict) -> str:
    """The record without its bulky parts (scheduler config, timings), as one JSON line."""
    small = {k: v for k, v in record.items() if k not in LEFT_OUT_OF_TAGS}
    return json.dumps(small, sort_keys=True, separators=(",", ":"), default=str)


def description_for(record: dict) -> str:
    model = record.get("model") or "a text-to-video model"
    if isinstance(model, dict):
        model = model.get("hub_id") or model.get("requested") or "a text-to-video model"
    return f"AI-generated video (trainedAlgorithmicMedia) made by vidgen with {model}"


def write_tags(src: Path, dst: Path, record: dict) -> None:
    """Copy src to dst with comment/description/vidgen tags; the video stream is not re-encoded."""
    import imageio_ffmpeg

    description = description_for(record)
    prompt = record.get("prompt")
    comment = description + (f"; prompt: {prompt}" if prompt else "")
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-y",
        "-loglevel",
        "error",
        "-i",
        str(src),
        "-map",
        "0",
        "-c",
        "copy",
        "-map_metadata",
        "0",
        "-metadata",
        f"comment={comment}",
        "-metadata",
        f"description={description}",
        "-metadata",
        f"{TAG}={compact_record(record)}",
        "-movflags",
        "+use_metadata_tags",
        "-f",
        "mp4",
        str(dst),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg could not write tags to {dst}: {done.stderr.strip()[-300:]}")


def append_xmp(path: Path, record: dict) -> None:
    """Append a top-level XMP uuid box: appending moves no chunk, so no offset needs fixing."""
    packet = _XMP.format(
        source=IPTC_AI,
        tool=_xml_escape(f"vidgen {__version__}"),
        description=_xml_escape(description_for(record)),
    ).encode("utf-8")
    payload = b"uuid" + XMP_UUID + packet
    with open(path, "ab") as handle:
        handle.write((len(payload) + 4).to_bytes(4, "big") + payload)


def top_level_boxes(path: Path) -> list[tuple[bytes, int, int, bytes | None]]:
    """(type, offset, size, uuid-or-None) of each top-level box; stops at the first bad header."""
    boxes = []
    size_total = path.stat().st_size
    with open(path, "rb") as handle:
        offset = 0
        while offset + 8 <= size_total:
            handle.seek(offset)
            header = handle.read(32)
            size = int.from_bytes(header[:4], "big")
            kind = header[4:8]
            head = 8
            if size == 1:
                size = int.from_bytes(header[8:16], "big")
                head = 16
            elif size == 0:
                size = size_total - offset
            if size < head or offset + size > size_total:
                break
            uuid = header[head : head + 16] if kind == b"uuid" else None
            boxes.append((kind, offset, size, uuid))
            offset += size
    return boxes


def read_xmp(path: Path) -> str | None:
    for kind, offset, size, uuid in top_level_boxes(path):
        if kind == b"uuid" and uuid == XMP_UUID:
            with open(path, "rb") as handle:
                handle.seek(offset + 24)
                return handle.read(size - 24).decode("utf-8", "replace")
    return None


def has_c2pa_box(path: Path) -> bool:
    return any(kind == b"uuid" and uuid == C2PA_UUID for kind, _, _, uuid in top_level_boxes(path))


def read_tags(path: Path) -> dict:
    """Container tags (format level) as read by libavformat."""
    import av

    with av.open(str(path)) as container:
        return dict(container.metadata)


def read_state(path: Path) -> dict:
    """What the metadata layer says: tags present, the compact record, the XMP source type."""
    tags = read_tags(path)
    record = None
    if TAG in tags:
        try:
            record = json.loads(tags[TAG])
        except json.JSONDecodeError:
            record = None
    xmp = read_xmp(path)
    return {
        "tags": "present" if (TAG in tags or "comment" in tags) else "absent",
        "record": record,
        "xmp_digital_source_type": IPTC_AI if (xmp and IPTC_AI in xmp) else None,
    }
