package main

import "encoding/asn1"

// asn1BitString aliases asn1.BitString for the SubjectPublicKeyInfo parse of subjectKeyID.
type asn1BitString = asn1.BitString

func unmarshalSPKI(der []byte, v interface{}) error {
	_, err := asn1.Unmarshal(der, v)
	return err
}
