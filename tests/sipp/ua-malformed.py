#!/usr/bin/env python3
"""ua-malformed.py: malformed and hostile SIP, for sip-ua.sh.

    ua-malformed.py PORT
    ua-malformed.py PORT --mutate COUNT SEED

Sends each case of the corpus below to 127.0.0.1:PORT over UDP from its
own socket and prints one line per case: its name and the status code of
the first response within 1 s, or "-" when none came.  The expectations
live in tests/e2e/sip-ua.sh, not here.

--mutate sends COUNT random mutations (byte flips, insertions, cuts,
repeated or dropped lines) of the corpus and of well-formed requests and
responses, over UDP and over a few TCP connections, without waiting for
answers; it prints "sent N".  Same SEED, same messages.
"""
import random
import socket
import sys
import time

PORT = int(sys.argv[1])
N = [0]


def req(method="INVITE", body="", headers=None, drop=(), clen=None,
        first=None, cseq_method=None):
    N[0] += 1
    h = [
        ("Via", "SIP/2.0/UDP 127.0.0.1:%%d;branch=z9hG4bKmal%d" % N[0]),
        ("From", "<sip:fuzz@127.0.0.1>;tag=f%d" % N[0]),
        ("To", "<sip:hotline@127.0.0.1:%d>" % PORT),
        ("Call-ID", "mal-%d@127.0.0.1" % N[0]),
        ("CSeq", "1 %s" % (cseq_method or method)),
        ("Max-Forwards", "70"),
        ("Contact", "<sip:fuzz@127.0.0.1:%%d>"),
    ]
    h = [(k, v) for k, v in h if k not in drop]
    h += headers or []
    if body:
        h.append(("Content-Type", "application/sdp"))
    h.append(("Content-Length", str(len(body) if clen is None else clen)))
    line = first or "%s sip:hotline@127.0.0.1:%d SIP/2.0" % (method, PORT)
    return (line + "\r\n" + "".join("%s: %s\r\n" % kv for kv in h) +
            "\r\n" + body)


SDP = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
       "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\n")
CASES = [
    ("garbage", "\x01\x02hello there\r\n\r\n"),
    ("empty", ""),
    ("nul-bytes", req(body=SDP).replace("Max-Forwards", "Max\0Forwards")),
    ("content-length-too-big", req(body=SDP, clen=len(SDP) + 40)),
    ("content-length-not-a-number", req(body=SDP, clen="many")),
    ("no-call-id", req(body=SDP, drop=("Call-ID",))),
    ("no-via", req(body=SDP, drop=("Via",))),
    ("no-max-forwards", req(body=SDP, drop=("Max-Forwards",))),
    ("cseq-mismatch", req(body=SDP, cseq_method="BYE")),
    ("bad-request-line", req(body=SDP, first="INVITE hotline")),
    ("sip-3.0", req(body=SDP, first="INVITE sip:h@127.0.0.1 SIP/3.0")),
    ("unknown-method", req(method="FROBNICATE")),
    ("require-unknown", req(body=SDP, headers=[("Require", "100rel")])),
    ("max-forwards-0", req(body=SDP, headers=[]).replace(
        "Max-Forwards: 70", "Max-Forwards: 0")),
    ("text-body", req(body="hello").replace("application/sdp",
                                            "text/plain")),
    ("bad-sdp", req(body="v=0\r\nthis is not sdp\r\n")),
    ("huge-sdp", req(body=SDP + "a=x-pad:" + "x" * 60000 + "\r\n")),
    ("no-sdp", req(body="")),
    ("bye-unknown-dialog", req(method="BYE", headers=[]).replace(
        ">\r\nCall-ID", ">;tag=nosuch\r\nCall-ID", 1)),
    ("ack-unknown", req(method="ACK")),
    ("stray-response", "SIP/2.0 200 OK\r\n"
     "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKnone\r\n"
     "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>;tag=2\r\n"
     "Call-ID: stray@127.0.0.1\r\nCSeq: 1 INVITE\r\n"
     "Content-Length: 0\r\n\r\n"),
]

GOOD = [
    req(body=SDP),
    req(method="OPTIONS"),
    req(method="BYE").replace(">\r\nCall-ID", ">;tag=abc\r\nCall-ID", 1),
    req(method="CANCEL"),
    req(method="ACK"),
    "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx"
    "\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>;tag=2\r\n"
    "Call-ID: c@127.0.0.1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
]


def mutate(rng, msg):
    b = bytearray(msg.encode("latin-1"))
    for _ in range(rng.randint(1, 6)):
        if not b:
            break
        op = rng.randrange(6)
        i = rng.randrange(len(b))
        if op == 0:
            b[i] = rng.randrange(256)
        elif op == 1:
            b[i:i] = rng.choice([b"\r\n", b":", b";", b"<", b">", b"@",
                                 b" ", b"\0", b"%", b"\xff", b"0" * 20])
        elif op == 2:
            del b[i:]
        elif op == 3:
            lines = bytes(b).split(b"\r\n")
            j = rng.randrange(len(lines))
            lines.insert(j, lines[j] * rng.randint(1, 40))
            b = bytearray(b"\r\n".join(lines))
        elif op == 4:
            lines = bytes(b).split(b"\r\n")
            del lines[rng.randrange(len(lines))]
            b = bytearray(b"\r\n".join(lines))
        else:
            b = bytearray(bytes(b).replace(b"Content-Length: ",
                          b"Content-Length: %d" % rng.randint(0, 99999), 1))
    return bytes(b[:65000])


if len(sys.argv) > 2 and sys.argv[2] == "--mutate":
    count, rng = int(sys.argv[3]), random.Random(int(sys.argv[4]))
    pool = [m for _, m in CASES] + GOOD
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    lport = u.getsockname()[1]
    tcps = []
    for _ in range(4):
        t = socket.create_connection(("127.0.0.1", PORT), timeout=2)
        t.setblocking(False)
        tcps.append(t)
    for k in range(count):
        m = mutate(rng, rng.choice(pool).replace("%d", str(lport)))
        if k % 10 == 0 and tcps:
            t = rng.choice(tcps)
            try:
                t.send(m)
            except (BlockingIOError, OSError):
                tcps.remove(t)
                t.close()
        else:
            u.sendto(m, ("127.0.0.1", PORT))
        if k % 200 == 199:
            time.sleep(0.02)
            try:
                while True:
                    u.recv(65535, socket.MSG_DONTWAIT)
            except (BlockingIOError, OSError):
                pass
    for t in tcps:
        t.close()
    print("sent", count, flush=True)
    sys.exit(0)

for name, msg in CASES:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    data = msg.replace("%d", str(port)) if "%d" in msg else msg
    s.settimeout(1.0)
    s.sendto(data.encode("latin-1"), ("127.0.0.1", PORT))
    try:
        resp = s.recv(65535).decode("latin-1", "replace")
        code = resp.split(" ", 2)[1] if resp.startswith("SIP/2.0 ") else "?"
    except socket.timeout:
        code = "-"
    print(name, code, flush=True)
    s.close()
