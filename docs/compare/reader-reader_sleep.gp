set terminal svg size 800,500 dynamic font 'sans,12'
set output 'docs/compare/reader-reader_sleep.svg'
set title 'reader section cycles against reader_sleep'
set xlabel 'reader_sleep'
set ylabel 'reader section cycles'
set key outside right
set grid
set logscale y
plot 'docs/compare/reader-reader_sleep-v5.dat' using 1:2 with linespoints title 'v5', 'docs/compare/reader-reader_sleep-v5-pcpucount.dat' using 1:2 with linespoints title 'v5-pcpucount', 'docs/compare/reader-reader_sleep-listphase-nodebug.dat' using 1:2 with linespoints title 'listphase-nodebug', 'docs/compare/reader-reader_sleep-pertask.dat' using 1:2 with linespoints title 'pertask', 'docs/compare/reader-reader_sleep-pertask-bitmap.dat' using 1:2 with linespoints title 'pertask-bitmap', 'docs/compare/reader-reader_sleep-refcount.dat' using 1:2 with linespoints title 'refcount', 'docs/compare/reader-reader_sleep-percpu-ref.dat' using 1:2 with linespoints title 'percpu-ref'
