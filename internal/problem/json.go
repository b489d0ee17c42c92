package problem

import (
	"encoding/json"
	"net/http"
)

// WriteJSON answers status with v as a JSON body (application/json;
// charset=utf-8), the success-side twin of Write.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
