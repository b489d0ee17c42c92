//go:build !linux

package db

import "syscall"

// syncDir makes everything written under dir durable; without syncfs,
// by a sync of every file system.
func syncDir(string) error {
	syscall.Sync()
	return nil
}
