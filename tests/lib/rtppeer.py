#!/usr/bin/env python3
"""rtppeer.py: the media end of a test caller, beside SIPp's signalling.

SIPp places the call with an SDP whose m= port is this script's socket, so
sanketd sends its RTP here (and, being symmetric, keeps sending here since
this is also where our packets come from).  The script:

  * sends 20 ms PCMU frames on a fixed clock (silence, or the bytes of
    --inband FILE from --inband-at seconds: tones made by tests/dtmfgen);
  * sends RFC 4733 telephone-event digits (--digits "T:KEYS,T:KEYS", T in
    seconds from the first packet received), each as three updates and
    three end packets on one timestamp, 120 ms apart;
  * writes every PCMU payload it receives, in order, to --out, and a
    summary (packets, payload types, sequence gaps, inter-arrival
    deviation p50/p99 in ms) as JSON to --summary;
  * with --mute-after S, stops sending S seconds after the first packet
    in (a caller whose phone vanished) but keeps listening;
  * stops after --duration seconds, or 2 s after the peer goes quiet.

Loopback only; the port is picked by the kernel and written to --port-file
(as a SIPp injection CSV line when --csv is given).
"""
import argparse
import json
import os
import select
import socket
import struct
import time

EVENTS = {str(i): i for i in range(10)}
EVENTS.update({"*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--csv", action="store_true")
    ap.add_argument("--out", required=True)
    ap.add_argument("--summary")
    ap.add_argument("--digits", default="")
    ap.add_argument("--inband")
    ap.add_argument("--inband-at", type=float, default=1.0)
    ap.add_argument("--te-pt", type=int, default=101)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--ip", default="127.0.0.1")
    ap.add_argument("--mute-after", type=float, default=0.0)
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.ip, 0))
    port = s.getsockname()[1]
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        if a.csv:
            f.write("SEQUENTIAL\n%d;\n" % port)
        else:
            f.write("%d\n" % port)
    os.rename(tmp, a.port_file)

    # (seconds after the first packet in, key): keys of a group 200 ms apart
    plan = []
    for item in filter(None, a.digits.split(",")):
        t, keys = item.split(":", 1)
        for i, k in enumerate(keys):
            plan.append((float(t) + 0.2 * i, k))
    plan.sort()

    inband = b""
    if a.inband:
        with open(a.inband, "rb") as f:
            inband = f.read()

    peer = None
    out = open(a.out, "wb")
    seq, ts, ssrc = 1000, 16000, 0x5A4E4B54
    start = None
    last_rx = None
    arrivals = []
    pts = {}
    gaps = 0
    last_seq = None
    ev = None  # (key, ts0, packets sent)
    frame = 0
    deadline = time.monotonic() + a.duration
    first_wait = time.monotonic() + 15.0

    while True:
        now = time.monotonic()
        if now >= deadline:
            break
        if start is None and now >= first_wait:
            break
        if last_rx is not None and now - last_rx > 2.0:
            break
        next_send = start + frame * 0.02 if start is not None else now + 0.02
        r, _, _ = select.select([s], [], [], max(0.0, min(0.02, next_send - now)))
        if r:
            data, addr = s.recvfrom(2048)
            t = time.monotonic()
            if len(data) >= 12 and (data[0] >> 6) == 2:
                pt = data[1] & 0x7F
                sq = struct.unpack("!H", data[2:4])[0]
                pts[pt] = pts.get(pt, 0) + 1
                if pt == 0:
                    if last_seq is not None and sq != (last_seq + 1) & 0xFFFF:
                        gaps += 1
                    last_seq = sq
                    out.write(data[12:])
                    arrivals.append(t)
                if peer is None:
                    peer = addr
                    start = t
                last_rx = t
            continue
        if start is None or peer is None:
            continue
        now = time.monotonic()
        if a.mute_after > 0 and now - start >= a.mute_after:
            continue
        while start + frame * 0.02 <= now:
            el = frame * 0.02
            if ev is None and plan and el >= plan[0][0]:
                ev = (plan.pop(0)[1], ts, 0)
            if ev is not None:
                key, ts0, n = ev
                end = n >= 3
                dur = 160 * (n + 1) if n < 3 else 160 * 3
                pay = struct.pack("!BBH", EVENTS[key], (0x80 if end else 0) | 10, dur)
                hdr = struct.pack("!BBHII", 0x80, (0x80 if n == 0 else 0) | a.te_pt,
                                  seq, ts0, ssrc)
                s.sendto(hdr + pay, peer)
                n += 1
                ev = None if n >= 6 else (key, ts0, n)
            else:
                off = int((el - a.inband_at) / 0.02) * 160
                if inband and el >= a.inband_at and off < len(inband):
                    pay = inband[off:off + 160].ljust(160, b"\xff")
                else:
                    pay = b"\xff" * 160
                hdr = struct.pack("!BBHII", 0x80, 0, seq, ts, ssrc)
                s.sendto(hdr + pay, peer)
            seq = (seq + 1) & 0xFFFF
            ts = (ts + 160) & 0xFFFFFFFF
            frame += 1

    out.close()
    if a.summary:
        dev = []
        for i in range(1, len(arrivals)):
            dev.append(abs((arrivals[i] - arrivals[i - 1]) * 1000 - 20.0))
        dev.sort()

        def pct(p):
            return round(dev[min(len(dev) - 1, int(p * len(dev)))], 3) if dev else None

        with open(a.summary, "w") as f:
            json.dump({"packets": sum(pts.values()), "pcmu": pts.get(0, 0),
                       "pts": {str(k): v for k, v in pts.items()},
                       "gaps": gaps, "p50_ms": pct(0.5), "p99_ms": pct(0.99),
                       "digits_left": len(plan)}, f)


if __name__ == "__main__":
    main()
