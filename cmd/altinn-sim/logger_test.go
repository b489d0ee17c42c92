package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/altinn-sim/altinn-sim/internal/config"
)

// TestJSONLogDurationsInMilliseconds: the JSON log writes a duration as a
// number of milliseconds under <key>_ms, not slog's nanoseconds.
func TestJSONLogDurationsInMilliseconds(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(config.Config{LogFormat: "json", LogLevel: slog.LevelInfo}, &buf)
	log.Info("request", "duration", 1234567*time.Nanosecond, "status", 200)
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("%v: %s", err, buf.Bytes())
	}
	if got, ok := line["duration_ms"].(float64); !ok || got != 1.234 {
		t.Errorf("duration_ms = %v (%T), want 1.234; line %s", line["duration_ms"], line["duration_ms"], buf.Bytes())
	}
	if _, ok := line["duration"]; ok {
		t.Errorf("nanosecond duration still there: %s", buf.Bytes())
	}
	if line["status"] != float64(200) {
		t.Errorf("other attributes changed: %s", buf.Bytes())
	}

	// The text log keeps Go's own form.
	buf.Reset()
	newLogger(config.Config{LogFormat: "text", LogLevel: slog.LevelInfo}, &buf).Info("request", "duration", 1500*time.Microsecond)
	if !bytes.Contains(buf.Bytes(), []byte("duration=1.5ms")) {
		t.Errorf("text log: %s", buf.Bytes())
	}
}
