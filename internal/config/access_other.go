//go:build !unix

package config

// writable cannot be asked without writing on this platform; creating
// the folder later reports the problem instead.
func writable(string) error { return nil }
