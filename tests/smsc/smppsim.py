#!/usr/bin/env python3
"""smppsim.py: a small SMPP 3.4 SMSC simulator for sanket's Kannel tests.

Kannel's fake SMSC only ever yields delivery reports 8 and 1.  Bound by
Kannel's real SMPP client (smsc = smpp, transceiver-mode = true), this
simulator lets a test choose any outcome per recipient, by the last
digits of the destination number:

    ...16            submit_sm_resp command_status 0x45 (ESME_RSUBMITFAIL);
                     Kannel reports DLR 16 (rejected by the SMSC)
    ...2             receipt stat:UNDELIV                    -> DLR 2
    ...4             receipt stat:ENROUTE, then stat:DELIVRD -> DLR 4, then 1
                     (ENROUTE only when registered_delivery asks for
                     intermediate notifications, i.e. dlr-mask has 4)
    anything else    receipt stat:DELIVRD                    -> DLR 1

Every accepted submit_sm also gives DLR 8 in Kannel (the submit_sm_resp).
Receipts are sent only when registered_delivery asks for them (Kannel sets
it from dlr-mask: 1 = success and failure, 2 = failure only, +16 =
intermediate), as deliver_sm with esm_class 0x04, the standard receipt
text ("id:... sub:001 dlvrd:... submit date:... done date:... stat:...
err:... text:...") and the TLVs receipted_message_id (0x001E) and
message_state (0x0427).

Message ids are increasing numbers, decimal by default (Kannel smsc group
msg-id-type = 0x00) or upper-case hex with --id-format hex (msg-id-type =
0x03).  The same string is used in submit_sm_resp, in the receipt text and
in receipted_message_id.

Usage:
    smppsim.py [--log FILE] [--out FILE] [--system-id ID] [--password PW]
               [--delay S] [--enroute-gap S] [--id-format dec|hex]
               [--first-id N] PORT

Listens on 127.0.0.1:PORT.  --out FILE gets one JSON line per submit_sm,
written (and flushed) before the submit_sm_resp goes out:

    {"to": "8801711000001", "from": "16000", "text": "...", "coding": 8,
     "parts": 3, "part": 1, "ref": 2, "id": "7", "status": 0,
     "rule": "delivered", "esm": 67, "regd": 17, "udh": "0500030203 01",
     "hex": "<payload without UDH, hex>"}

"text" is the part's text as UTF-8 (data_coding 0: GSM 03.38 default
alphabet, unpacked, as Kannel sends it; 8: UCS-2/UTF-16BE; 1 and 3:
Latin-1; anything else: hex).  "coding" is the SMPP data_coding.  "parts",
"part" and "ref" come from the concatenation UDH (IEI 0 or 8) or the SAR
TLVs; a single message has parts 1, part 1, ref null.  The line of the
part that completes a concatenated message also has "full": the whole
text, decoded from the joined payloads.  "id" is null and "status" the
error when the submit was rejected.

A receipt goes to the session that submitted the message, or, when that
one is gone, to any other receiver/transceiver bind, or waits for the next
one (as a real SMSC would; deliver_sm_resp errors are retried 3 times).

Bind: any system_id/password unless --system-id/--password are given.
Unknown commands get generic_nack (ESME_RINVCMDID); a PDU whose body does
not parse gets generic_nack (ESME_RINVCMDLEN); a bad command_length gets
generic_nack and the connection is closed.  SIGTERM/SIGINT: unbind every
bound session, wait up to 2 s for the unbind_resp, exit 0.
"""

import argparse
import asyncio
import datetime
import json
import signal
import struct
import sys
import time

# --- SMPP constants -----------------------------------------------------------

GENERIC_NACK = 0x80000000
BIND_RECEIVER = 0x00000001
BIND_TRANSMITTER = 0x00000002
QUERY_SM = 0x00000003
SUBMIT_SM = 0x00000004
DELIVER_SM = 0x00000005
UNBIND = 0x00000006
BIND_TRANSCEIVER = 0x00000009
ENQUIRE_LINK = 0x00000015
RESP = 0x80000000

ESME_ROK = 0x00
ESME_RINVMSGLEN = 0x01
ESME_RINVCMDLEN = 0x02
ESME_RINVCMDID = 0x03
ESME_RINVBNDSTS = 0x04
ESME_RALYBND = 0x05
ESME_RINVPASWD = 0x0E
ESME_RINVSYSID = 0x0F
ESME_RSUBMITFAIL = 0x45

TLV_RECEIPTED_MESSAGE_ID = 0x001E
TLV_SAR_MSG_REF_NUM = 0x020C
TLV_SAR_TOTAL_SEGMENTS = 0x020E
TLV_SAR_SEGMENT_SEQNUM = 0x020F
TLV_SC_INTERFACE_VERSION = 0x0210
TLV_MESSAGE_PAYLOAD = 0x0424
TLV_MESSAGE_STATE = 0x0427

STATE_ENROUTE = 1
STATE_DELIVERED = 2
STATE_UNDELIVERABLE = 5

MAX_PDU = 64 * 1024
MAX_QUEUED = 10000          # receipts kept while no receiver is bound
HEADER = struct.Struct(">IIII")

# GSM 03.38 default alphabet (unpacked septets) and its extension table.
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
assert len(GSM_BASIC) == 128
GSM_EXT = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
           0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}

# --- helpers -------------------------------------------------------------------


class ParseError(Exception):
    pass


class Reader:
    """Sequential reader over a PDU body; ParseError past the end."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def u8(self):
        if self.pos >= len(self.data):
            raise ParseError("body too short")
        v = self.data[self.pos]
        self.pos += 1
        return v

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ParseError("body too short for %d octets" % n)
        v = self.data[self.pos:self.pos + n]
        self.pos += n
        return v

    def cstr(self, maxlen):
        end = self.data.find(b"\0", self.pos)
        if end < 0 or end - self.pos >= maxlen:
            raise ParseError("C-Octet string missing its NUL or too long")
        v = self.data[self.pos:end]
        self.pos = end + 1
        return v.decode("latin-1")

    def tlvs(self):
        out = {}
        while self.pos < len(self.data):
            if self.pos + 4 > len(self.data):
                raise ParseError("truncated TLV header")
            tag, ln = struct.unpack_from(">HH", self.data, self.pos)
            self.pos += 4
            out[tag] = self.take(ln)
        return out


def pdu(command_id, status, seq, body=b""):
    return HEADER.pack(16 + len(body), command_id, status, seq) + body


def cstr(s):
    if isinstance(s, str):
        s = s.encode("latin-1", "replace")
    return s + b"\0"


def tlv(tag, value):
    return struct.pack(">HH", tag, len(value)) + value


def gsm_decode(data):
    out = []
    i = 0
    while i < len(data):
        c = data[i] & 0x7F
        if c == 0x1B and i + 1 < len(data):
            i += 1
            out.append(GSM_EXT.get(data[i] & 0x7F, " "))
        else:
            out.append(GSM_BASIC[c])
        i += 1
    return "".join(out)


def decode_text(dcs, data):
    if dcs == 8:
        return data.decode("utf-16-be", "replace")
    if dcs in (1, 3):
        return data.decode("latin-1")
    if dcs == 0 or ((dcs & 0xF0) == 0xF0 and not dcs & 0x04):
        return gsm_decode(data)
    return data.hex()


def parse_udh(udh):
    """(ref, total, seq) from a concatenation IE, or None."""
    i = 1
    while i + 2 <= len(udh):
        iei, iel = udh[i], udh[i + 1]
        val = udh[i + 2:i + 2 + iel]
        if len(val) != iel:
            break
        if iei == 0x00 and iel == 3:
            return val[0], val[1], val[2]
        if iei == 0x08 and iel == 4:
            return (val[0] << 8) | val[1], val[2], val[3]
        i += 2 + iel
    return None


def rule_for(dest):
    digits = "".join(ch for ch in dest if ch.isdigit())
    if digits.endswith("16"):
        return "rejected"
    if digits.endswith("2"):
        return "undelivered"
    if digits.endswith("4"):
        return "enroute"
    return "delivered"


def smpp_time(t):
    return time.strftime("%y%m%d%H%M", time.gmtime(t))


# --- the simulator ---------------------------------------------------------------


class Sim:
    def __init__(self, args):
        self.args = args
        self.next_id = args.first_id
        self.sessions = set()
        self.pending = []       # receipts waiting for a receiving bind
        self.parts = {}         # (from, to, ref, total) -> {seq: (dcs, bytes)}
        self.log_f = open(args.log, "a", encoding="utf-8") if args.log else sys.stderr
        self.out_f = open(args.out, "a", encoding="utf-8") if args.out else None
        self.stopping = False

    def log(self, fmt, *a):
        now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        try:
            self.log_f.write("%s %s\n" % (now, fmt % a if a else fmt))
            self.log_f.flush()
        except (OSError, ValueError):
            pass

    def out(self, rec):
        if self.out_f is None:
            return
        self.out_f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.out_f.flush()

    def new_id(self):
        n = self.next_id
        self.next_id += 1
        return "%X" % n if self.args.id_format == "hex" else "%d" % n

    # -- receipts

    def schedule_receipt(self, delay, sess, sub, stat):
        loop = asyncio.get_running_loop()
        loop.call_later(delay, self.send_receipt, sess, sub, stat, 0)

    def receipt_pdu(self, sess, sub, stat):
        now = time.time()
        state, err, dlvrd = {
            "DELIVRD": (STATE_DELIVERED, "000", "001"),
            "UNDELIV": (STATE_UNDELIVERABLE, "001", "000"),
            "ENROUTE": (STATE_ENROUTE, "000", "000"),
        }[stat]
        snippet = "".join(ch if 32 <= ord(ch) < 127 else "?"
                          for ch in sub["text"][:20])
        text = ("id:%s sub:001 dlvrd:%s submit date:%s done date:%s "
                "stat:%s err:%s text:%s" % (sub["id"], dlvrd,
                                           smpp_time(sub["time"]), smpp_time(now),
                                           stat, err, snippet)).encode("ascii")
        body = (cstr("") +
                bytes([sub["dst_ton"], sub["dst_npi"]]) + cstr(sub["to"]) +
                bytes([sub["src_ton"], sub["src_npi"]]) + cstr(sub["from"]) +
                bytes([0x04, 0, 0]) + cstr("") + cstr("") +
                bytes([0, 0, 0, 0, len(text)]) + text +
                tlv(TLV_RECEIPTED_MESSAGE_ID, cstr(sub["id"])) +
                tlv(TLV_MESSAGE_STATE, bytes([state])))
        return pdu(DELIVER_SM, 0, sess.next_seq(), body), text.decode()

    def send_receipt(self, sess, sub, stat, tries):
        if self.stopping:
            return
        target = sess if sess is not None and sess.can_receive() else None
        if target is None:
            for s in self.sessions:
                if s.can_receive():
                    target = s
                    break
        if target is None:
            self.log("receipt %s %s for %s queued: no receiving bind",
                     stat, sub["id"], sub["to"])
            if len(self.pending) < MAX_QUEUED:
                self.pending.append((sub, stat, tries))
            return
        data, text = self.receipt_pdu(target, sub, stat)
        seq = HEADER.unpack_from(data)[3]
        target.awaiting[seq] = (sub, stat, tries)
        target.send(data)
        self.log("[%s] deliver_sm seq %d to %s: %s", target.name, seq,
                 sub["from"], text)

    def receipt_answered(self, sess, seq, status):
        item = sess.awaiting.pop(seq, None)
        if item is None:
            return
        sub, stat, tries = item
        if status == ESME_ROK:
            return
        self.log("[%s] deliver_sm_resp seq %d status 0x%08X", sess.name, seq, status)
        if tries < 3:
            asyncio.get_running_loop().call_later(
                1.0, self.send_receipt, sess, sub, stat, tries + 1)

    # -- submit_sm

    def submit(self, sess, seq, body):
        r = Reader(body)
        r.cstr(6)                                   # service_type
        src_ton, src_npi, src = r.u8(), r.u8(), r.cstr(21)
        dst_ton, dst_npi, dst = r.u8(), r.u8(), r.cstr(21)
        esm, _pid, _prio = r.u8(), r.u8(), r.u8()
        r.cstr(17)                                  # schedule_delivery_time
        r.cstr(17)                                  # validity_period
        regd, _replace, dcs, _defid = r.u8(), r.u8(), r.u8(), r.u8()
        sm = r.take(r.u8())
        tlvs = r.tlvs()
        if not sm and TLV_MESSAGE_PAYLOAD in tlvs:
            sm = tlvs[TLV_MESSAGE_PAYLOAD]

        udh = b""
        payload = sm
        if esm & 0x40:
            if not sm or 1 + sm[0] > len(sm):
                raise ParseError("UDHI set but no valid UDH")
            udh, payload = sm[:1 + sm[0]], sm[1 + sm[0]:]
        concat = parse_udh(udh) if udh else None
        if concat is None and TLV_SAR_MSG_REF_NUM in tlvs:
            try:
                concat = (int.from_bytes(tlvs[TLV_SAR_MSG_REF_NUM], "big"),
                          tlvs[TLV_SAR_TOTAL_SEGMENTS][0],
                          tlvs[TLV_SAR_SEGMENT_SEQNUM][0])
            except (KeyError, IndexError):
                concat = None
        ref, total, part = concat if concat else (None, 1, 1)

        rule = rule_for(dst)
        text = decode_text(dcs, payload)
        rec = {"to": dst, "from": src, "text": text, "coding": dcs,
               "parts": total, "part": part, "ref": ref}
        if rule == "rejected":
            status, mid = ESME_RSUBMITFAIL, None
        else:
            status, mid = ESME_ROK, self.new_id()
        rec.update({"id": mid, "status": status, "rule": rule, "esm": esm,
                    "regd": regd, "udh": udh.hex(), "hex": payload.hex()})
        if concat:
            key = (src, dst, ref, total)
            got = self.parts.setdefault(key, {})
            got[part] = (dcs, payload)
            if len(got) == total and all(i in got for i in range(1, total + 1)):
                del self.parts[key]
                joined = b"".join(got[i][1] for i in range(1, total + 1))
                rec["full"] = decode_text(got[1][0], joined)
        self.out(rec)
        self.log("[%s] submit_sm seq %d %s -> %s dcs %d esm 0x%02X regd %d "
                 "part %d/%d ref %s: %s => %s id %s", sess.name, seq, src, dst,
                 dcs, esm, regd, part, total, ref, json.dumps(text, ensure_ascii=False),
                 rule, mid)

        if status != ESME_ROK:
            sess.send(pdu(SUBMIT_SM | RESP, status, seq, cstr("")))
            return
        sess.send(pdu(SUBMIT_SM | RESP, ESME_ROK, seq, cstr(mid)))

        sub = {"id": mid, "from": src, "to": dst, "src_ton": src_ton,
               "src_npi": src_npi, "dst_ton": dst_ton, "dst_npi": dst_npi,
               "text": text, "time": time.time()}
        final = regd & 0x03
        delay = self.args.delay
        if rule == "undelivered":
            if final in (1, 2):
                self.schedule_receipt(delay, sess, sub, "UNDELIV")
        elif rule == "enroute":
            if regd & 0x10:
                self.schedule_receipt(delay, sess, sub, "ENROUTE")
                delay += self.args.enroute_gap
            if final == 1:
                self.schedule_receipt(delay, sess, sub, "DELIVRD")
        elif final == 1:
            self.schedule_receipt(delay, sess, sub, "DELIVRD")

    # -- bind

    def bind(self, sess, cmd, seq, body):
        r = Reader(body)
        system_id, password = r.cstr(16), r.cstr(9)
        system_type = r.cstr(13)
        version = r.u8()
        kind = {BIND_RECEIVER: "receiver", BIND_TRANSMITTER: "transmitter",
                BIND_TRANSCEIVER: "transceiver"}[cmd]
        status = ESME_ROK
        if sess.mode is not None:
            status = ESME_RALYBND
        elif self.args.system_id is not None and system_id != self.args.system_id:
            status = ESME_RINVSYSID
        elif self.args.password is not None and password != self.args.password:
            status = ESME_RINVPASWD
        self.log("[%s] bind_%s system_id %r system_type %r version 0x%02X: "
                 "status 0x%02X", sess.name, kind, system_id, system_type,
                 version, status)
        if status != ESME_ROK:
            sess.send(pdu(cmd | RESP, status, seq))
            return
        sess.mode = kind
        sess.send(pdu(cmd | RESP, ESME_ROK, seq, cstr("SANKETSIM") +
                      tlv(TLV_SC_INTERFACE_VERSION, b"\x34")))
        if sess.can_receive() and self.pending:
            pending, self.pending = self.pending, []
            for sub, stat, tries in pending:
                self.send_receipt(sess, sub, stat, tries)

    # -- connections

    async def handle(self, reader, writer):
        sess = Session(self, writer)
        self.sessions.add(sess)
        self.log("[%s] connected", sess.name)
        try:
            await sess.run(reader)
        except (ConnectionError, asyncio.IncompleteReadError, OSError):
            pass
        except asyncio.CancelledError:
            pass
        except Exception as e:  # never let one session kill the simulator
            self.log("[%s] internal error: %r", sess.name, e)
        finally:
            self.sessions.discard(sess)
            sess.close()
            # Receipts that were sent but not answered go to the next bind.
            for item in sess.awaiting.values():
                if len(self.pending) < MAX_QUEUED:
                    self.pending.append(item)
            sess.awaiting.clear()
            self.log("[%s] disconnected", sess.name)

    async def shutdown(self, server):
        self.log("stopping: unbinding %d session(s)", len(self.sessions))
        server.close()
        for s in list(self.sessions):
            if s.mode is not None and not s.closed:
                s.send(pdu(UNBIND, 0, s.next_seq()))
                s.unbinding = True
            else:
                s.close()
        deadline = time.monotonic() + 2.0
        while any(not s.closed for s in self.sessions) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        self.stopping = True
        for s in list(self.sessions):
            s.close()
        await asyncio.sleep(0)


class Session:
    counter = 0

    def __init__(self, sim, writer):
        Session.counter += 1
        peer = writer.get_extra_info("peername")
        self.name = "c%d %s:%s" % (Session.counter, peer[0], peer[1]) if peer else \
            "c%d" % Session.counter
        self.sim = sim
        self.writer = writer
        self.mode = None
        self.seq = 0
        self.awaiting = {}
        self.closed = False
        self.unbinding = False

    def next_seq(self):
        self.seq = self.seq % 0x7FFFFFFF + 1
        return self.seq

    def can_receive(self):
        return (not self.closed and not self.unbinding and
                self.mode in ("receiver", "transceiver"))

    def send(self, data):
        if self.closed or self.writer.is_closing():
            return
        try:
            self.writer.write(data)
        except (ConnectionError, OSError, RuntimeError):
            self.close()

    def close(self):
        if not self.closed:
            self.closed = True
            try:
                self.writer.close()
            except (ConnectionError, OSError, RuntimeError):
                pass

    async def run(self, reader):
        sim = self.sim
        while not self.closed:
            head = await reader.readexactly(16)
            length, cmd, status, seq = HEADER.unpack(head)
            if length < 16 or length > MAX_PDU:
                sim.log("[%s] bad command_length %d (command 0x%08X): closing",
                        self.name, length, cmd)
                self.send(pdu(GENERIC_NACK, ESME_RINVCMDLEN, seq))
                await self.writer.drain()
                return
            body = await reader.readexactly(length - 16) if length > 16 else b""
            try:
                if self.dispatch(cmd, status, seq, body):
                    await self.writer.drain()
                    return
            except ParseError as e:
                sim.log("[%s] malformed command 0x%08X seq %d: %s", self.name,
                        cmd, seq, e)
                self.send(pdu(GENERIC_NACK, ESME_RINVCMDLEN, seq))
            await self.writer.drain()

    def dispatch(self, cmd, status, seq, body):
        """Handle one PDU; True when the connection is to be closed."""
        sim = self.sim
        if cmd in (BIND_RECEIVER, BIND_TRANSMITTER, BIND_TRANSCEIVER):
            sim.bind(self, cmd, seq, body)
        elif cmd == ENQUIRE_LINK:
            self.send(pdu(ENQUIRE_LINK | RESP, ESME_ROK, seq))
        elif cmd == UNBIND:
            sim.log("[%s] unbind", self.name)
            self.send(pdu(UNBIND | RESP, ESME_ROK, seq))
            self.mode = None
            return True
        elif cmd == SUBMIT_SM:
            if self.mode not in ("transmitter", "transceiver"):
                sim.log("[%s] submit_sm seq %d while not bound to send",
                        self.name, seq)
                self.send(pdu(SUBMIT_SM | RESP, ESME_RINVBNDSTS, seq, cstr("")))
            else:
                sim.submit(self, seq, body)
        elif cmd == DELIVER_SM | RESP:
            sim.receipt_answered(self, seq, status)
        elif cmd == UNBIND | RESP:
            sim.log("[%s] unbind_resp", self.name)
            self.mode = None
            return True
        elif cmd in (ENQUIRE_LINK | RESP, GENERIC_NACK):
            if cmd == GENERIC_NACK:
                sim.log("[%s] generic_nack seq %d status 0x%08X", self.name,
                        seq, status)
                self.sim.receipt_answered(self, seq, status or ESME_RINVCMDID)
        elif cmd & RESP:
            sim.log("[%s] ignored response 0x%08X seq %d", self.name, cmd, seq)
        else:
            sim.log("[%s] unsupported command 0x%08X seq %d: generic_nack",
                    self.name, cmd, seq)
            self.send(pdu(GENERIC_NACK, ESME_RINVCMDID, seq))
        return False


async def main(args):
    sim = Sim(args)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    server = await asyncio.start_server(sim.handle, "127.0.0.1", args.port,
                                        reuse_address=True)
    sim.log("listening on 127.0.0.1:%d (ids %s from %d, receipt delay %.2fs, "
            "enroute gap %.2fs, system_id %s)", args.port, args.id_format,
            args.first_id, args.delay, args.enroute_gap,
            "any" if args.system_id is None else repr(args.system_id))
    await stop.wait()
    await sim.shutdown(server)
    sim.log("stopped")
    if sim.out_f:
        sim.out_f.close()


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="SMPP 3.4 SMSC simulator for Kannel tests (127.0.0.1 only)")
    p.add_argument("port", type=int)
    p.add_argument("--log", help="log file (default: stderr)")
    p.add_argument("--out", help="one JSON line per submit_sm")
    p.add_argument("--system-id", help="accept only this system_id")
    p.add_argument("--password", help="accept only this password")
    p.add_argument("--delay", type=float, default=0.2,
                   help="seconds from submit to the first receipt (0.2)")
    p.add_argument("--enroute-gap", type=float, default=1.0,
                   help="seconds from ENROUTE to DELIVRD (1.0)")
    p.add_argument("--id-format", choices=("dec", "hex"), default="dec",
                   help="message ids: dec (msg-id-type 0x00) or hex (0x03)")
    p.add_argument("--first-id", type=int, default=1)
    return p.parse_args(argv)


if __name__ == "__main__":
    try:
        asyncio.run(main(parse_args(sys.argv[1:])))
    except KeyboardInterrupt:
        pass
