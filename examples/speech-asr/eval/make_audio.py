#!/usr/bin/env python3
"""Speaks eval/sentences.txt with espeak-ng into eval/audio/NN.wav (16 kHz mono, 16-bit) and writes
eval/dataset.jsonl. Needs Debian's espeak-ng and sox. Standard library only.

The audio is not committed: this script makes it again, the same on every run with the same espeak-ng
(its version is recorded in eval/audio/VOICE). `--check` only verifies that dataset.jsonl matches the
sentences, so a sentence edited without regenerating is caught.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
VOICE = "en-us+klatt"  # espeak-ng's Klatt voice: pocketsphinx recognises it far better than the default
WORDS_PER_MINUTE = "175"


def sentences() -> list[str]:
    lines = (HERE / "sentences.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


def dataset_lines() -> str:
    rows = [{"audio": f"audio/{i:02d}.wav", "reference": text} for i, text in enumerate(sentences(), start=1)]
    return "".join(json.dumps(row) + "\n" for row in rows)


def speak(text: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "raw.wav"
        subprocess.run(["espeak-ng", "-v", VOICE, "-s", WORDS_PER_MINUTE, "-w", str(raw), text], check=True)
        # 0.3 s of silence each side: recognisers expect speech to start after a little quiet.
        # No dither (-D) and 3 dB of headroom: the file is the same on every run, and nothing clips.
        subprocess.run(["sox", "-q", "-D", str(raw), "-c", "1", "-b", "16", str(target),
                        "gain", "-3", "rate", "16000", "pad", "0.3", "0.3"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check dataset.jsonl against sentences.txt")
    args = parser.parse_args()
    dataset = HERE / "dataset.jsonl"
    if args.check:
        if dataset.read_text(encoding="utf-8") != dataset_lines():
            sys.exit("eval/dataset.jsonl does not match eval/sentences.txt: run eval/make_audio.py")
        return
    audio = HERE / "audio"
    audio.mkdir(exist_ok=True)
    for i, text in enumerate(sentences(), start=1):
        speak(text, audio / f"{i:02d}.wav")
    version = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, check=True).stdout
    (audio / "VOICE").write_text(f"{version.strip()}\nvoice {VOICE}, {WORDS_PER_MINUTE} words per minute\n")
    dataset.write_text(dataset_lines(), encoding="utf-8")
    print(f"{len(sentences())} utterances in {audio}")


if __name__ == "__main__":
    main()
