package db

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncDir makes everything written under dir durable: one syncfs for its
// file system, a fraction of the time of an fsync per file.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
