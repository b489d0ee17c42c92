//go:build unix

package config

import "syscall"

// writable asks the kernel whether this process may create entries in
// dir, without creating any.
func writable(dir string) error {
	const wOK, xOK = 2, 1
	return syscall.Access(dir, wOK|xOK)
}
