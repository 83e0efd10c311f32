/*
 * freeport.c: print N free loopback ports, one per line, for the end-to-end
 * tests (tests/lib/common.sh sk_ports) and the benchmarks.
 *
 *	freeport [N]		N defaults to 1, at most 64
 *
 * A port handed out here is bound by its user a moment later (bearerbox,
 * sanketd, SIPp), and in that moment two things could take it:
 *
 *  - an outgoing connection of anything on the machine (curl, smsbox,
 *    sanketd's HTTP client): the kernel gives those a source port from
 *    ip_local_port_range (32768-60999 by default).  So ports are drawn at
 *    random from below that range, from FP_LOW up, where connect() never
 *    goes; only when the range leaves too little room below it does the
 *    kernel pick (port 0) instead;
 *  - another test running in parallel (make -j2 check) that drew the same
 *    number: every port handed out is noted as a file in a directory of
 *    its own ($TMPDIR/sanket-freeport.UID), created with O_EXCL, and not
 *    handed out again for FP_HOLD seconds.
 *
 * A port is taken only when both a TCP and a UDP socket bind it on
 * 127.0.0.1 without SO_REUSEADDR (so not one in TIME_WAIT either), since
 * Kannel and sanketd use TCP and the SIP tests UDP.  All N are held bound
 * until the N are printed, so they are distinct.
 *
 * Exit 0 and N lines on stdout, or 1 with a message on stderr.
 */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FP_MAX		64	/* ports per call */
#define FP_LOW		10000	/* lowest port drawn */
#define FP_ROOM		2000	/* fewest ports below the ephemeral range */
#define FP_TRIES	4096	/* draws per port */
#define FP_HOLD		900	/* seconds a handed-out port is not reused */

static int
fp_bind(int type, unsigned short port)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, type, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
fp_port(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		return -1;
	return ntohs(sin.sin_port);
}

/* The low end of the kernel's ephemeral range; 32768 when unreadable. */
static int
fp_ephemeral_low(void)
{
	FILE	*f;
	int	 lo = 32768, hi;

	if ((f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) == NULL)
		return lo;
	if (fscanf(f, "%d %d", &lo, &hi) != 2 || lo < 1024 || lo > 65535)
		lo = 32768;
	fclose(f);
	return lo;
}

/*
 * Note PORT as handed out in DIR.  0 when it was not handed out in the last
 * FP_HOLD seconds (and is noted now), -1 when it was.
 */
static int
fp_claim(const char *dir, int port)
{
	char		path[PATH_MAX];
	struct stat	st;
	int		fd, len;

	len = snprintf(path, sizeof(path), "%s/%d", dir, port);
	if (len < 0 || (size_t)len >= sizeof(path))
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) != -1) {
		close(fd);
		return 0;
	}
	if (errno != EEXIST || stat(path, &st) == -1)
		return -1;
	if (time(NULL) - st.st_mtime < FP_HOLD)
		return -1;
	/* Stale: take it over (a rare race here costs one more draw). */
	if (utimensat(AT_FDCWD, path, NULL, 0) == -1)
		return -1;
	return 0;
}

int
main(int argc, char *argv[])
{
	static int	 held[FP_MAX * 2];
	int		 ports[FP_MAX];
	char		 dir[PATH_MAX], *end;
	const char	*tmp;
	unsigned int	 seed;
	int		 nheld = 0, n = 1, i, try, tcp, udp, port, lo, room;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-h") == 0)) {
		fprintf(stderr, "usage: freeport [N]\n");
		return 2;
	}
	if (argc == 2) {
		errno = 0;
		n = (int)strtol(argv[1], &end, 10);
		if (errno || *end != '\0' || end == argv[1] || n < 1 ||
		    n > FP_MAX) {
			fprintf(stderr, "freeport: N must be 1..%d\n", FP_MAX);
			return 2;
		}
	}
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(dir, sizeof(dir), "%s/sanket-freeport.%u", tmp,
	    (unsigned int)getuid()) >= sizeof(dir) - 8) {
		fprintf(stderr, "freeport: TMPDIR too long\n");
		return 1;
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "freeport: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	srandom(seed);
	lo = fp_ephemeral_low();
	room = lo - FP_LOW;

	for (i = 0; i < n; i++) {
		ports[i] = -1;
		for (try = 0; try < FP_TRIES && ports[i] == -1; try++) {
			port = room >= FP_ROOM ? FP_LOW + (int)(random() % room) : 0;
			if ((tcp = fp_bind(SOCK_STREAM, (unsigned short)port)) == -1)
				continue;
			if (port == 0 && (port = fp_port(tcp)) == -1) {
				close(tcp);
				continue;
			}
			if ((udp = fp_bind(SOCK_DGRAM, (unsigned short)port)) == -1) {
				close(tcp);
				continue;
			}
			if (fp_claim(dir, port) == -1) {
				close(tcp);
				close(udp);
				continue;
			}
			ports[i] = port;
			held[nheld++] = tcp;
			held[nheld++] = udp;
		}
		if (ports[i] == -1) {
			fprintf(stderr, "freeport: no free port after %d tries\n",
			    FP_TRIES);
			return 1;
		}
	}
	for (i = 0; i < n; i++)
		printf("%d\n", ports[i]);
	if (fflush(stdout) == EOF) {
		perror("freeport: stdout");
		return 1;
	}
	for (i = 0; i < nheld; i++)
		close(held[i]);
	return 0;
}
