package parties

// ValidOrgNo checks a Norwegian organisation number: nine digits whose last
// is the MOD11 check digit over the first eight (weights 3 2 7 6 5 4 3 2).
// In lenient mode any nine digits pass, as the platform's test tools accept
// numbers (e.g. their defaults) that fail the check.
func ValidOrgNo(s string, lenient bool) bool {
	if len(s) != 9 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	if lenient {
		return true
	}
	weights := [8]int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(s[8]-'0')
}

// ValidPID checks a Norwegian national identity number (fødselsnummer,
// D-number or synthetic test number): eleven digits with both MOD11 check
// digits right.
func ValidPID(s string) bool {
	if len(s) != 11 {
		return false
	}
	d := make([]int, 11)
	for i, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		d[i] = int(c - '0')
	}
	check := func(weights []int) int {
		sum := 0
		for i, w := range weights {
			sum += d[i] * w
		}
		k := 11 - sum%11
		if k == 11 {
			k = 0
		}
		return k
	}
	k1 := check([]int{3, 7, 6, 1, 8, 9, 4, 5, 2})
	k2 := check([]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2})
	return k1 < 10 && k2 < 10 && k1 == d[9] && k2 == d[10]
}
