//go:build !linux

package db

import "syscall"

// childAttr runs the postmaster in its own process group, so that a Ctrl-C
// in the terminal reaches only altinn-sim (which stops PostgreSQL after the
// last request). Without Linux's parent-death signal, a postmaster left by
// a killed altinn-sim is stopped by the next start instead.
func childAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Setpgid: true}
}
