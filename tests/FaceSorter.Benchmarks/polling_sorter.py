#!/usr/bin/env python3
"""A plain polling sorter: the yardstick FaceSorter's burst benchmark compares itself with (issue 13).

It follows the same contract as FaceSorter for content it has seen before, with nothing clever:

* every INTERVAL seconds (0.5 by default) it lists the drop folder, recursively;
* a file is settled when its size and mtime have not changed for SETTLE seconds
  (a 0-byte file and names that downloaders use while writing are never taken);
* a settled file is hashed (SHA-256); content already recorded goes to review/duplicates/ as
  "duplicate_<name>", anything else to review/unidentified/ (this script asks no face service);
* the destination never replaces a file (a free name is chosen, then os.link + os.unlink, which
  fails rather than overwrite), and every move is recorded in SQLite, one transaction per poll.

Python 3 standard library only. Run:
    python3 polling_sorter.py --data DIR [--settle 1.0] [--interval 0.5] [--db FILE]
DIR holds temp_downloads/ and review/; SIGTERM or Ctrl-C stops it after the poll in hand.
"""

import argparse
import hashlib
import os
import signal
import sqlite3
import sys
import time

TEMPORARY_SUFFIXES = (".part", ".crdownload", ".aria2", ".tmp", ".download", ".partial")
CHUNK = 1024 * 1024


def parse_args(argv):
    parser = argparse.ArgumentParser(description="plain polling sorter (benchmark yardstick)")
    parser.add_argument("--data", required=True, help="folder holding temp_downloads/ and review/")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds a file's size and mtime must stay unchanged")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls")
    parser.add_argument("--db", default=None, help="SQLite file (default: DATA/polling.db)")
    return parser.parse_args(argv)


def open_store(path):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("""CREATE TABLE IF NOT EXISTS contents(
                    file_hash TEXT PRIMARY KEY, first_path TEXT NOT NULL, recorded_at REAL NOT NULL)""")
    db.execute("""CREATE TABLE IF NOT EXISTS moves(
                    id INTEGER PRIMARY KEY, source_path TEXT NOT NULL, destination_path TEXT NOT NULL,
                    file_hash TEXT NOT NULL, category TEXT NOT NULL, moved_at REAL NOT NULL)""")
    db.commit()
    return db


def list_files(inbox):
    """Every regular file below inbox, as path -> (size, mtime_ns)."""
    found = {}
    stack = [inbox]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(entry.path)
                        elif entry.is_file(follow_symlinks=False):
                            stat = entry.stat(follow_symlinks=False)
                            found[entry.path] = (stat.st_size, stat.st_mtime_ns)
                    except FileNotFoundError:
                        continue
        except FileNotFoundError:
            continue
    return found


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while True:
            block = stream.read(CHUNK)
            if not block:
                break
            digest.update(block)
    return digest.hexdigest()


def free_name(folder, name):
    candidate = os.path.join(folder, name)
    stem, extension = os.path.splitext(name)
    number = 1
    while os.path.lexists(candidate):
        candidate = os.path.join(folder, f"{stem}_{number}{extension}")
        number += 1
    return candidate


def move_no_replace(source, folder, name):
    """Moves source into folder under a free name; never replaces a file. Returns the destination."""
    while True:
        destination = free_name(folder, name)
        try:
            os.link(source, destination)  # fails with FileExistsError instead of replacing
        except FileExistsError:
            continue
        os.unlink(source)
        return destination


class Sorter:
    def __init__(self, data, settle, db_path):
        self.inbox = os.path.join(data, "temp_downloads")
        self.duplicates = os.path.join(data, "review", "duplicates")
        self.elsewhere = os.path.join(data, "review", "unidentified")
        for folder in (self.inbox, self.duplicates, self.elsewhere):
            os.makedirs(folder, exist_ok=True)
        self.settle = settle
        self.db = open_store(db_path)
        self.seen = {}  # path -> (size, mtime_ns, since): the last observation and when it began

    def poll(self):
        now = time.monotonic()
        current = list_files(self.inbox)
        for path in list(self.seen):
            if path not in current:
                del self.seen[path]

        settled = []
        for path, stamp in current.items():
            name = os.path.basename(path)
            if name.startswith(".") or name.endswith(TEMPORARY_SUFFIXES) or stamp[0] == 0:
                continue
            known = self.seen.get(path)
            if known is None or known[:2] != stamp:
                self.seen[path] = (stamp[0], stamp[1], now)
            elif now - known[2] >= self.settle:
                settled.append(path)

        sorted_count = 0
        for path in settled:
            try:
                if self.sort_one(path):
                    sorted_count += 1
            except OSError as error:
                print(f"{path}: {error}", file=sys.stderr)
        self.db.commit()
        return sorted_count

    def sort_one(self, path):
        stamp = self.seen.pop(path)
        digest = sha256_of(path)
        after = os.stat(path)
        if (after.st_size, after.st_mtime_ns) != stamp[:2]:
            return False  # it changed while it was read: settle again
        row = self.db.execute("SELECT first_path FROM contents WHERE file_hash = ?", (digest,)).fetchone()
        name = os.path.basename(path)
        if row is not None:
            destination = move_no_replace(path, self.duplicates, "duplicate_" + name)
            category = "duplicates"
        else:
            destination = move_no_replace(path, self.elsewhere, name)
            category = "unidentified"
            self.db.execute("INSERT INTO contents(file_hash, first_path, recorded_at) VALUES (?, ?, ?)",
                            (digest, destination, time.time()))
        self.db.execute("INSERT INTO moves(source_path, destination_path, file_hash, category, moved_at) VALUES (?, ?, ?, ?, ?)",
                        (path, destination, digest, category, time.time()))
        return True


def main(argv):
    args = parse_args(argv)
    db_path = args.db or os.path.join(args.data, "polling.db")
    sorter = Sorter(args.data, args.settle, db_path)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    print(f"polling {sorter.inbox} every {args.interval} s, settle {args.settle} s", flush=True)
    try:
        while not stopping:
            started = time.monotonic()
            sorter.poll()
            time.sleep(max(0.0, args.interval - (time.monotonic() - started)))
    except KeyboardInterrupt:
        pass
    sorter.db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
