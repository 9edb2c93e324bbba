package fnmatch

// parseClass parses a character class whose "[" is just before units[i].
// It returns the token, the index just after the closing "]", and false when
// the class is not closed (the "[" is then a literal).
//
// It follows CPython 3.11's fnmatch.translate step by step: the class body is
// cut into chunks at the hyphens that form ranges, ranges whose start is
// greater than their end are removed by merging neighbouring chunks, and the
// result is read the way the regular-expression engine reads the class
// translate builds from it.
func parseClass(units []rune, i int) (op, int, bool) {
	n := len(units)
	j := i
	if j < n && units[j] == '!' {
		j++
	}
	if j < n && units[j] == ']' {
		j++
	}
	for j < n && units[j] != ']' {
		j++
	}
	if j >= n {
		return op{}, 0, false
	}
	chunks := splitChunks(units, i, j)
	return classOp(chunks), j + 1, true
}

// splitChunks cuts the class body units[i:j] into chunks separated by range
// hyphens and drops empty ranges, as translate does.
func splitChunks(units []rune, i, j int) [][]rune {
	body := units[i:j]
	if !containsRune(body, '-') {
		return [][]rune{body}
	}
	var chunks [][]rune
	k := i + 1
	if units[i] == '!' {
		k = i + 2
	}
	for {
		k = indexFrom(units, '-', k, j)
		if k < 0 {
			break
		}
		chunks = append(chunks, units[i:k])
		i = k + 1
		k += 3
	}
	if last := units[i:j]; len(last) > 0 {
		chunks = append(chunks, last)
	} else {
		prev := chunks[len(chunks)-1]
		chunks[len(chunks)-1] = append(append([]rune(nil), prev...), '-')
	}
	for k := len(chunks) - 1; k > 0; k-- {
		prev, cur := chunks[k-1], chunks[k]
		if len(prev) > 0 && len(cur) > 0 && prev[len(prev)-1] > cur[0] {
			merged := append(append([]rune(nil), prev[:len(prev)-1]...), cur[1:]...)
			chunks[k-1] = merged
			chunks = append(chunks[:k], chunks[k+1:]...)
		}
	}
	return chunks
}

// classOp turns the chunks into a token. Within a chunk every character is
// literal; the last character of one chunk and the first of the next form a
// range.
func classOp(chunks [][]rune) op {
	if len(chunks) == 1 && len(chunks[0]) == 0 {
		return op{kind: opNever}
	}
	if len(chunks) == 1 && len(chunks[0]) == 1 && chunks[0][0] == '!' {
		return op{kind: opAny}
	}
	o := op{kind: opClass}
	if chunks[0][0] == '!' {
		o.negate = true
		chunks[0] = chunks[0][1:]
	}
	for c, chunk := range chunks {
		start, end := 0, len(chunk)
		if c > 0 && len(chunk) > 0 {
			start = 1
			if prev := chunks[c-1]; len(prev) > 0 {
				o.spans = append(o.spans, span{prev[len(prev)-1], chunk[0]})
			} else { // "[^-x]": a hyphen right after the negation is literal
				o.spans = append(o.spans, span{'-', '-'}, span{chunk[0], chunk[0]})
			}
		}
		if c < len(chunks)-1 {
			end--
		}
		for _, r := range chunk[start:max(start, end)] {
			o.spans = append(o.spans, span{r, r})
		}
	}
	return o
}

func containsRune(rs []rune, r rune) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// indexFrom is Python's str.find(r, from, to) on units.
func indexFrom(units []rune, r rune, from, to int) int {
	for k := from; k < to && k < len(units); k++ {
		if units[k] == r {
			return k
		}
	}
	return -1
}
