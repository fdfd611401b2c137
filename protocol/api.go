package protocol

// Created is the answer to POST /api/cafes. The tokens are shown once: the
// facilitator's device keeps them.
type Created struct {
	Cafe             string `json:"cafe"`
	JoinCode         string `json:"join_code"`
	FacilitatorToken string `json:"facilitator_token"`
	WallToken        string `json:"wall_token"`
	JoinURL          string `json:"join_url"`
	WallURL          string `json:"wall_url"`
	FacilitatorURL   string `json:"facilitator_url"`
	// PublicCode and PublicURL are the online space's public pages: the
	// short link anyone, anywhere may open once the space is open.
	PublicCode string `json:"public_code,omitempty"`
	PublicURL  string `json:"public_url,omitempty"`
}

// Joined is the answer to POST /api/join.
type Joined struct {
	Cafe          string `json:"cafe"`
	ParticipantID string `json:"participant_id"`
	Token         string `json:"token"`
	Role          Role   `json:"role"`
	Table         int    `json:"table"`
	// Rejoined is true when the device came back to the participant it
	// joined as: the same notes, dots and seat, under a new token.
	Rejoined bool `json:"rejoined"`
}

// ErrorBody is the body of every API error response.
type ErrorBody struct {
	Error *Error `json:"error"`
}
