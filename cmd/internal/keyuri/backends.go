package keyuri

// backends lists the optional backends compiled into this binary.
func backends() []backend {
	return []backend{pkcs11Backend, vaultBackend}
}
