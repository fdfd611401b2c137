package server

// ForgetUsedForms makes the node forget every form token used so far, as
// it does past its cap or on another node of a cluster.
func ForgetUsedForms(s *Server) {
	f := s.edge.public.forms
	f.mu.Lock()
	defer f.mu.Unlock()
	f.used = newSlotMap[usedForm, struct{}](usedSlot, int64(formTokenMaxAge/usedSlot)+2, maxUsedForms)
}
