package db

import "syscall"

// childAttr runs the postmaster in its own process group, so that a Ctrl-C
// in the terminal reaches only altinn-sim (which stops PostgreSQL after the
// last request), and asks the kernel for a fast shutdown (SIGINT) of it
// should altinn-sim die without stopping it (kill -9): no postmaster is
// left behind. cred is applied before the death signal is set, so the
// switch to the postgres user does not clear it.
func childAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGINT}
}
