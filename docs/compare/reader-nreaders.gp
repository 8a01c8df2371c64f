set terminal svg size 800,500 dynamic font 'sans,12'
set output 'docs/compare/reader-nreaders.svg'
set title 'reader section cycles against nreaders'
set xlabel 'nreaders'
set ylabel 'reader section cycles'
set key outside right
set grid
set logscale y
plot 'docs/compare/reader-nreaders-v5.dat' using 1:2 with linespoints title 'v5', 'docs/compare/reader-nreaders-v5-pcpucount.dat' using 1:2 with linespoints title 'v5-pcpucount', 'docs/compare/reader-nreaders-listphase-nodebug.dat' using 1:2 with linespoints title 'listphase-nodebug', 'docs/compare/reader-nreaders-pertask.dat' using 1:2 with linespoints title 'pertask', 'docs/compare/reader-nreaders-pertask-bitmap.dat' using 1:2 with linespoints title 'pertask-bitmap', 'docs/compare/reader-nreaders-refcount.dat' using 1:2 with linespoints title 'refcount', 'docs/compare/reader-nreaders-percpu-ref.dat' using 1:2 with linespoints title 'percpu-ref'
