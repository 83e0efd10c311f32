#!/bin/sh
#
# run.sh: build sanket's libFuzzer targets with clang and run each one.
#
#	tests/fuzz/run.sh [seconds] [target ...]
#
# seconds defaults to 20 per target; targets default to all of them (csv,
# msisdn, text, reply, audio, sdp, sip, rtp, dtmf).  Examples, from the top of
# the tree:
#
#	tests/fuzz/run.sh		# every target, 20 s each
#	tests/fuzz/run.sh 300 csv	# the CSV reader for five minutes
#
# Not part of `make check`: it needs clang (installed with apt-get if
# missing and we are root) and takes minutes.  Binaries, corpora and crash
# artifacts go to $FUZZ_DIR (default /tmp/sanket-fuzz); the corpora are
# kept, so each run starts where the last one stopped.  A crash leaves
# $FUZZ_DIR/crash-<target>-* and makes the script exit 1; replay it with
#	$FUZZ_DIR/fuzz_<target> $FUZZ_DIR/crash-<target>-...
#
set -eu

secs=${1:-20}
[ $# -gt 0 ] && shift
targets=${*:-csv msisdn text reply audio sdp sip rtp dtmf}

top=$(cd "$(dirname "$0")/../.." && pwd)
work=${FUZZ_DIR:-/tmp/sanket-fuzz}
mkdir -p "$work"

if ! command -v clang >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y clang
	else
		echo "run.sh: clang not found: apt-get install clang" >&2
		exit 1
	fi
fi

# config.h comes from ./configure; without it an empty one will do.
inc="-I$top/gateway"
if [ -f "$top/config.h" ]; then
	inc="$inc -I$top"
else
	mkdir -p "$work/include"
	: > "$work/include/config.h"
	inc="$inc -I$work/include"
fi
cflags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -D_GNU_SOURCE $inc"
utf8proc=$(pkg-config --cflags --libs libutf8proc 2>/dev/null || \
    echo -lutf8proc)
core="$top/gateway/xmalloc.c $top/gateway/log.c"

# Seeds: a few well-formed and broken inputs per target, written with
# printf escapes (octal for UTF-8 bytes).
seed() {	# target name printf-format
	mkdir -p "$work/corpus-$1"
	# shellcheck disable=SC2059
	printf "$3" > "$work/corpus-$1/seed-$2"
}
hya='\340\246\271\340\247\215\340\246\257\340\246\276\340\246\201'
zwj='\342\200\215'
peyechi='\340\246\252\340\247\207\340\247\237\340\247\207'
code='\340\247\252\340\247\256\340\247\250'
seed csv header 'msisdn,union,lang\r\n01711000001,30261851,bn\r\n'
seed csv bom '\357\273\277a,"b,c","say ""hi"""\n"x\ny",z\n\n'
seed csv broken 'a,b"c\n"open'
seed msisdn plain '01711000001'
seed msisdn intl '+880 (0)1711-000001'
seed msisdn bangla '\340\247\246\340\247\247\340\247\255'
seed msisdn india '+91 98765 43210'
seed text bangla " $hya$zwj OK "
seed text nukta "$peyechi  $code"
seed text invalid '\300\200\355\240\200\340\246'
seed reply rcv 'RCV: 482913 8 kg!'
seed reply bangla "$peyechi, $code$code \340\247\256\340\245\244"
seed reply no 'pai nai 482913 dealer kept it'
seed reply grs "GRS: no rice $zwj"
seed reply reg 'REG 30261851 thanks'
seed reply confirm " $hya$zwj ji "
seed reply stop 'STOP'
crlf='\r\n'
sess="v=0${crlf}o=- 1 1 IN IP4 192.0.2.1${crlf}s=-${crlf}t=0 0${crlf}"
seed sdp pcmu "${sess}c=IN IP4 192.0.2.1${crlf}\
m=audio 4000 RTP/AVP 0 8 101${crlf}\
a=rtpmap:101 telephone-event/8000${crlf}a=fmtp:101 0-15${crlf}\
a=ptime:20${crlf}a=sendrecv${crlf}"
seed sdp dynamic "${sess}m=video 5000 RTP/AVP 31${crlf}c=IN IP4 10.0.0.1${crlf}\
m=audio 4002 RTP/AVP 9 96 97${crlf}c=IN IP4 10.0.0.2${crlf}\
a=rtpmap:96 PCMA/8000/1${crlf}a=rtpmap:97 telephone-event/8000${crlf}\
a=sendonly${crlf}"
seed sdp hold "${sess}c=IN IP4 0.0.0.0${crlf}m=audio 4000 RTP/AVP 0${crlf}"
seed sdp nocodec "${sess}c=IN IP6 ::1${crlf}m=audio 4000 RTP/SAVP 18${crlf}\
a=rtpmap:18 G729/8000${crlf}"
# RTP: V=2 PCMU; then two CSRCs, an extension and two bytes of padding.
seed sip invite 'INVITE sip:1090@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-0\r\nMax-Forwards: 70\r\nFrom: <sip:01711000001@127.0.0.1>;tag=1\r\nTo: <sip:1090@127.0.0.1>\r\nCall-ID: 1-1@127.0.0.1\r\nCSeq: 1 INVITE\r\nRecord-Route: <sip:proxy;lr>\r\nContent-Type: application/sdp\r\nContent-Length: 0\r\n\r\n'
seed sip options 'OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-2\r\nMax-Forwards: 0\r\nFrom: <sip:a@b>;tag=2\r\nTo: <sip:c@d>\r\nCall-ID: 2\r\nCSeq: 7 OPTIONS\r\nRequire: 100rel\r\nContent-Length: 0\r\n\r\n'
seed rtp pcmu '\200\000\000\001\000\000\000\240\022\064\126\170\377\177'
seed rtp ext '\262\345\000\002\000\000\001\100\000\000\000\001'\
'\000\000\000\002\000\000\000\003\276\336\000\001\001\002\003\004'\
'\005\006\000\002'
# DTMF: packets of 4-byte timestamp, length, RFC 4733 payload: a '5' and
# its end (one timestamp), then a '#'.
seed dtmf digits '\000\000\001\000\004\005\012\000\240'\
'\000\000\001\000\004\005\212\003\040'\
'\000\000\002\100\004\013\012\001\100'
seed dtmf short '\000\000\000\001\002\005\012'
# Audio seeds: small real files of each container, made here.
if [ ! -d "$work/corpus-audio" ] && command -v sox >/dev/null 2>&1; then
	mkdir -p "$work/corpus-audio"
	sox -n -r 8000 -c 1 -b 16 "$work/corpus-audio/seed.wav" synth 0.3 sine 440
	sox "$work/corpus-audio/seed.wav" "$work/corpus-audio/seed.flac"
	sox "$work/corpus-audio/seed.wav" "$work/corpus-audio/seed.ogg"
	sox "$work/corpus-audio/seed.wav" -e u-law "$work/corpus-audio/seed-ulaw.wav"
	sox "$work/corpus-audio/seed.wav" -r 11025 -c 2 -e floating-point \
	    "$work/corpus-audio/seed-float.wav"
	if command -v lame >/dev/null 2>&1; then
		lame --quiet "$work/corpus-audio/seed.wav" "$work/corpus-audio/seed.mp3"
	fi
fi
# libFuzzer dictionary syntax: \" and \xNN escapes.
printf '%s\n' '"\""' '","' '"\x0d\x0a"' '"\xef\xbb\xbf"' '"\"\""' \
    > "$work/csv.dict"
printf '%s\n' '"rcv"' '"no"' '"grs"' '"reg"' '"stop"' '"ok"' \
    '"peyechi"' '"pai nai"' '"thik ache"' '"kg"' '"sir"' '"482913"' \
    '"\xe0\xa6\xaa\xe0\xa6\xbe\xe0\xa6\x87\xe0\xa6\xa8\xe0\xa6\xbf"' \
    '"\xe0\xa7\x9f"' '"\xe0\xa6\xaf\xe0\xa6\xbc"' '"\xe0\xa7\xaa"' \
    '"\xe0\xa5\xa4"' '"\xe2\x80\x8d"' > "$work/reply.dict"
printf '%s\n' '"v=0"' '"o="' '"s="' '"t=0 0"' '"c=IN IP4 "' '"IP6"' \
    '"m=audio "' '"m=video "' '"RTP/AVP"' '"RTP/SAVP"' '"a=rtpmap:"' \
    '"a=fmtp:"' '"a=ptime:"' '"PCMU/8000"' '"PCMA/8000"' \
    '"telephone-event/8000"' '"a=sendonly"' '"a=recvonly"' \
    '"a=inactive"' '"a=sendrecv"' '"0.0.0.0"' '"224.0.0.1/127"' \
    '"\x0d\x0a"' > "$work/sdp.dict"

# The codec libraries under libsndfile leak on some malformed files (a
# vorbis_info on a failed Ogg open, for one): theirs to fix, not ours.
printf 'leak:%s\n' libvorbis.so libsndfile.so libFLAC.so libmpg123.so \
    libopus.so libogg.so > "$work/lsan.supp"
export LSAN_OPTIONS="suppressions=$work/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

status=0
for t in $targets; do
	case $t in
	csv)	src=$top/gateway/csv.c ;;
	msisdn)	src=$top/gateway/msisdn.c ;;
	text)	src=$top/gateway/text.c ;;
	reply)	src="$top/gateway/reply.c $top/gateway/text.c" ;;
	audio)	src="$top/audio/decode.c $top/audio/resample.c \
		    $top/audio/pcm.c $top/audio/loudness.c -I$top/audio \
		    $(pkg-config --cflags --libs sndfile samplerate libebur128 \
		    libcrypto) -lm" ;;
	sdp)	src="$top/ivr/sdp.c -I$top/ivr \
		    $(pkg-config --cflags --libs libosip2)" ;;
	sip)	src="$top/ivr/sipmsg.c -I$top/ivr \
		    $(pkg-config --cflags --libs libosip2 libcrypto)" ;;
	rtp)	src="$top/ivr/rtp.c -I$top/ivr -I$top/audio" ;;
	dtmf)	src="$top/ivr/dtmf.c $top/audio/g711.c -I$top/ivr \
		    -I$top/audio $(pkg-config --cflags --libs spandsp) \
		    -lm" ;;
	*)	echo "run.sh: unknown target $t" >&2; exit 2 ;;
	esac
	bin=$work/fuzz_$t
	echo "== building $bin"
	# shellcheck disable=SC2086
	clang $cflags -o "$bin" "$top/tests/fuzz/fuzz_$t.c" $src $core \
	    $utf8proc
	dict=
	[ -f "$work/$t.dict" ] && dict="-dict=$work/$t.dict"
	echo "== running fuzz_$t for $secs s"
	# shellcheck disable=SC2086
	if ! "$bin" -max_total_time="$secs" -print_final_stats=1 \
	    -artifact_prefix="$work/crash-$t-" $dict "$work/corpus-$t"; then
		echo "== fuzz_$t FAILED: see $work/crash-$t-*" >&2
		status=1
	fi
done
exit $status
