/*
 * freeport.c: print N free loopback ports, one per line, for the end-to-end
 * tests (tests/lib/common.sh sk_ports).
 *
 *	freeport [N]		N defaults to 1, at most 64
 *
 * All N ports are bound at the same time, so they are distinct.  Each one
 * is taken by binding a TCP socket to 127.0.0.1 port 0 (the kernel picks)
 * and is kept only if a UDP socket can bind the same number too, so a port
 * serves either protocol (Kannel and sanketd use TCP, SIP tests use UDP).
 * Ports that fail the UDP check stay bound until the end so the kernel does
 * not hand them out again; after a bounded number of tries a TCP-only port
 * is accepted.  The sockets are closed when the program exits: the ports
 * are free then, and nothing guarantees they stay free, which is why the
 * kernel's pick (random in the ephemeral range) is used.
 *
 * Exit 0 and N lines on stdout, or 1 with a message on stderr.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FP_MAX		64	/* ports per call */
#define FP_TRIES	32	/* TCP binds per port before TCP-only is fine */
#define FP_SPARE	(FP_MAX * (FP_TRIES + 1))

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

int
main(int argc, char *argv[])
{
	static int	 spare[FP_SPARE];
	int		 ports[FP_MAX];
	int		 nspare = 0, n = 1, i, try, tcp, udp, port;
	char		*end;

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

	for (i = 0; i < n; i++) {
		ports[i] = -1;
		for (try = 0; try < FP_TRIES; try++) {
			if ((tcp = fp_bind(SOCK_STREAM, 0)) == -1) {
				perror("freeport: bind tcp");
				return 1;
			}
			if ((port = fp_port(tcp)) == -1) {
				perror("freeport: getsockname");
				return 1;
			}
			udp = fp_bind(SOCK_DGRAM, (unsigned short)port);
			if (udp != -1 || try == FP_TRIES - 1) {
				/* Both free, or TCP-only after many tries. */
				ports[i] = port;
				spare[nspare++] = tcp;
				if (udp != -1)
					spare[nspare++] = udp;
				break;
			}
			/* Keep it bound so the kernel picks another one. */
			spare[nspare++] = tcp;
		}
		if (ports[i] == -1) {
			fprintf(stderr, "freeport: no free port\n");
			return 1;
		}
	}
	for (i = 0; i < n; i++)
		printf("%d\n", ports[i]);
	if (fflush(stdout) == EOF) {
		perror("freeport: stdout");
		return 1;
	}
	for (i = 0; i < nspare; i++)
		close(spare[i]);
	return 0;
}
