// A pure Go program (tests/runtimes.rs), built as a PIE (dynamically
// linked: the preload loads into it) and as Go's default static binary.
// Go sets its own FS base and makes its own raw system calls; goroutines
// run on small stacks the runtime grows. The program writes, reads and
// removes files from several goroutines and prints the results in order.
package main

import (
	"fmt"
	"os"
	"sync"
)

func work(i int) string {
	name := fmt.Sprintf("gopure-%d.txt", i)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return "open: " + err.Error()
	}
	want := fmt.Sprintf("goroutine %d was here", i)
	if _, err := f.WriteString(want); err != nil {
		return "write: " + err.Error()
	}
	if err := f.Close(); err != nil {
		return "close: " + err.Error()
	}
	got, err := os.ReadFile(name)
	if err != nil {
		return "read: " + err.Error()
	}
	if err := os.Remove(name); err != nil {
		return "remove: " + err.Error()
	}
	return string(got)
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
	wg.Wait()
	for i, r := range results {
		fmt.Printf("%d: %s\n", i, r)
	}
	fmt.Println("pure go: done")
	os.Exit(6)
}
