// A cgo program (tests/runtimes.rs), built as a PIE and as Go's default
// non-PIE executable (both dynamically linked against libc). Goroutines
// create, write, read and remove files through Go's own raw system calls
// (os.OpenFile, not libc), while the main goroutine calls a little C.
// Go requires its signal handlers to run on the sigaltstack it sets up,
// and goroutine stacks start at 8 KiB.
package main

/*
static int c_add(int a, int b) { return a + b; }
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
)

func work(i int) string {
	out := ""
	for round := 0; round < 4; round++ {
		name := fmt.Sprintf("gocgo-%d-%d.txt", i, round)
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err != nil {
			return "open: " + err.Error()
		}
		want := fmt.Sprintf("goroutine %d round %d", i, round)
		if _, err := f.WriteString(want); err != nil {
			return "write: " + err.Error()
		}
		if _, err := f.Seek(0, 0); err != nil {
			return "seek: " + err.Error()
		}
		buf := make([]byte, 64)
		n, err := f.Read(buf)
		if err != nil {
			return "read: " + err.Error()
		}
		if err := f.Close(); err != nil {
			return "close: " + err.Error()
		}
		if err := os.Remove(name); err != nil {
			return "remove: " + err.Error()
		}
		if string(buf[:n]) != want {
			return "read back " + string(buf[:n])
		}
		out = want
	}
	return out
}

func main() {
	const n = 8
	results := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = work(i)
		}(i)
	}
	sum := 0
	for i := 0; i < 100; i++ {
		sum = int(C.c_add(C.int(sum), C.int(i)))
	}
	wg.Wait()
	for i, r := range results {
		fmt.Printf("%d: %s\n", i, r)
	}
	fmt.Printf("cgo: 0+1+...+99 = %d\n", sum)
	os.Exit(7)
}
