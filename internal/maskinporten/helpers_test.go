package maskinporten_test

import (
	"encoding/base64"
	"regexp"
)

var traceSuffix = regexp.MustCompile(` \(trace_id: [0-9a-f]{32}\)$`)

func jwtB64(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
