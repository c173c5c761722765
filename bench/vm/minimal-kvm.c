/*
 * The smallest C KVM program that boots the same test bzImage the way Bulwark's VMM does (in-kernel irqchip and
 * PIT, 64-bit entry at +0x200 with identity page tables, boot GDT, boot_params with header, e820 and command
 * line): the baseline for bench/vm.sh.
 *
 *   minimal-kvm create N          time N VM creations (VM, irqchip, PIT, 128 MiB, one vCPU), print the median
 *   minimal-kvm boot FILE N       boot FILE N times, print the median time from build to exit and the status
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MEM (128ul << 20)
#define ZERO_PAGE 0x7000
#define CMDLINE 0x20000
#define KERNEL 0x100000

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void check(long r, const char *what)
{
	if (r < 0) {
		perror(what);
		exit(2);
	}
}

struct vm {
	int kvm, vm, vcpu;
	char *mem;
	struct kvm_run *run;
	int runsz;
};

static void build(struct vm *v)
{
	v->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	check(v->kvm, "/dev/kvm");
	v->vm = ioctl(v->kvm, KVM_CREATE_VM, 0);
	check(v->vm, "KVM_CREATE_VM");
	check(ioctl(v->vm, KVM_SET_TSS_ADDR, 0xfffbd000), "tss");
	uint64_t idmap = 0xfffbc000;
	check(ioctl(v->vm, KVM_SET_IDENTITY_MAP_ADDR, &idmap), "idmap");
	check(ioctl(v->vm, KVM_CREATE_IRQCHIP, 0), "irqchip");
	struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
	check(ioctl(v->vm, KVM_CREATE_PIT2, &pit), "pit");
	v->mem = mmap(0, MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct kvm_userspace_memory_region r = {.slot = 0, .memory_size = MEM, .userspace_addr = (uintptr_t)v->mem};
	check(ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &r), "memory");
	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	check(v->vcpu, "vcpu");
	v->runsz = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	v->run = mmap(0, v->runsz, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu, 0);
	struct { struct kvm_cpuid2 c; struct kvm_cpuid_entry2 e[256]; } cpuid = {.c.nent = 256};
	check(ioctl(v->kvm, KVM_GET_SUPPORTED_CPUID, &cpuid), "cpuid");
	check(ioctl(v->vcpu, KVM_SET_CPUID2, &cpuid), "set cpuid");
}

static void destroy(struct vm *v)
{
	munmap(v->run, v->runsz);
	munmap(v->mem, MEM);
	close(v->vcpu);
	close(v->vm);
	close(v->kvm);
}

static void load(struct vm *v, const unsigned char *img, size_t len, const char *cmdline)
{
	int setup = img[0x1f1] ? img[0x1f1] : 4;
	size_t pm = (setup + 1) * 512;
	memcpy(v->mem + KERNEL, img + pm, len - pm);
	unsigned char *zp = (unsigned char *)v->mem + ZERO_PAGE;
	memset(zp, 0, 4096);
	size_t hdr_end = 0x202 + img[0x201];
	memcpy(zp + 0x1f1, img + 0x1f1, hdr_end - 0x1f1);
	zp[0x210] = 0xff;
	strcpy(v->mem + CMDLINE, cmdline);
	*(uint32_t *)(zp + 0x228) = CMDLINE;
	uint64_t e820[][3] = {{0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xe0000, 0x20000, 2}, {0x100000, MEM - 0x100000, 1}};
	zp[0x1e8] = 4;
	for (int i = 0; i < 4; i++) {
		memcpy(zp + 0x2d0 + 20 * i, &e820[i][0], 8);
		memcpy(zp + 0x2d0 + 20 * i + 8, &e820[i][1], 8);
		memcpy(zp + 0x2d0 + 20 * i + 16, &e820[i][2], 4);
	}
	uint64_t *pml4 = (void *)(v->mem + 0x9000), *pdpt = (void *)(v->mem + 0xa000), *pd = (void *)(v->mem + 0xb000);
	pml4[0] = 0xa000 | 3;
	pdpt[0] = 0xb000 | 3;
	for (int i = 0; i < 512; i++)
		pd[i] = ((uint64_t)i << 21) | 0x83;
	uint64_t *gdt = (void *)(v->mem + 0x500);
	gdt[0] = gdt[1] = 0;
	gdt[2] = 0x00af9b000000ffffull;
	gdt[3] = 0x00cf93000000ffffull;
	gdt[4] = 0x008f8b000000ffffull;
	struct kvm_sregs s;
	check(ioctl(v->vcpu, KVM_GET_SREGS, &s), "sregs");
	struct kvm_segment cs = {.limit = 0xffffffff, .selector = 0x10, .type = 11, .present = 1, .s = 1, .l = 1, .g = 1};
	struct kvm_segment ds = {.limit = 0xffffffff, .selector = 0x18, .type = 3, .present = 1, .db = 1, .s = 1, .g = 1};
	struct kvm_segment tr = {.limit = 0xffffffff, .selector = 0x20, .type = 11, .present = 1, .g = 1};
	s.cs = cs;
	s.ds = s.es = s.fs = s.gs = s.ss = ds;
	s.tr = tr;
	s.gdt.base = 0x500;
	s.gdt.limit = 39;
	s.idt.base = 0x520;
	s.idt.limit = 7;
	s.cr3 = 0x9000;
	s.cr4 |= 0x20;
	s.cr0 |= 0x80000011;
	s.efer |= 0x500;
	check(ioctl(v->vcpu, KVM_SET_SREGS, &s), "set sregs");
	struct kvm_regs rg = {.rip = KERNEL + 0x200, .rflags = 2, .rsi = ZERO_PAGE, .rsp = 0x8ff0, .rbp = 0x8ff0};
	check(ioctl(v->vcpu, KVM_SET_REGS, &rg), "regs");
}

/* Runs until the exit port; COM1 output is discarded, like a console nobody reads. */
static int run(struct vm *v)
{
	for (;;) {
		if (ioctl(v->vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			perror("KVM_RUN");
			exit(2);
		}
		if (v->run->exit_reason == KVM_EXIT_IO) {
			unsigned char *d = (unsigned char *)v->run + v->run->io.data_offset;
			if (v->run->io.port == 0x501 && v->run->io.direction == KVM_EXIT_IO_OUT)
				return d[0];
			if (v->run->io.direction == KVM_EXIT_IO_IN)
				memset(d, v->run->io.port == 0x3fd ? 0x60 : 0xff, v->run->io.size * v->run->io.count);
			continue;
		}
		fprintf(stderr, "unexpected exit %d\n", v->run->exit_reason);
		exit(2);
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s create N | boot FILE N\n", argv[0]);
		return 2;
	}
	int boot = strcmp(argv[1], "boot") == 0;
	int n = atoi(argv[boot ? 3 : 2]);
	unsigned char *img = NULL;
	size_t len = 0;
	if (boot) {
		FILE *f = fopen(argv[2], "rb");
		if (!f) {
			perror(argv[2]);
			return 2;
		}
		img = malloc(64 << 20);
		len = fread(img, 1, 64 << 20, f);
		fclose(f);
	}
	double *t = calloc(n, sizeof(double));
	int status = -1;
	for (int i = 0; i < n; i++) {
		struct vm v;
		double t0 = now();
		build(&v);
		if (boot) {
			load(&v, img, len, "console=ttyS0");
			status = run(&v);
		}
		destroy(&v);
		t[i] = now() - t0;
	}
	qsort(t, n, sizeof(double), cmp);
	printf("%.6f %d\n", t[n / 2], status);
	return 0;
}
