package problem

import (
	"encoding/json"
	"net/http"
)

// WriteJSON answers status with v as a JSON body (application/json;
// charset=utf-8), the success-side twin of Write. The body has no trailing
// newline: ASP.NET's System.Text.Json writes none, and clients that compare
// bodies byte for byte (or hash them) would see ours differ.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a programming error (an unmarshalable type) gets here.
		Write(w, nil, &Problem{Code: Internal.Code, Status: Internal.Status, Title: Internal.Title, Err: err})
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
