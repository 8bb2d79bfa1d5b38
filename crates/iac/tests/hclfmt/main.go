// Formats HCL from standard input with hclwrite (what `terraform fmt` uses) and exits 1,
// printing the formatted text, when it differs from the input. Used by tests/terraform_fmt.rs.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

func main() {
	src, _ := io.ReadAll(os.Stdin)
	out := hclwrite.Format(src)
	if string(out) != string(src) {
		os.Stdout.Write(out)
		fmt.Fprintln(os.Stderr, "DIFFERS")
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "formatted")
}
