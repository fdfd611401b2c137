package main

import (
	"encoding/json"
	"net/http"
	"time"
)

var httpClient = &http.Client{Timeout: 5 * time.Second}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
