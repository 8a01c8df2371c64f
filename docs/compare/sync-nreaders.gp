set terminal svg size 800,500 dynamic font 'sans,12'
set output 'docs/compare/sync-nreaders.svg'
set title 'synchronize cycles against nreaders'
set xlabel 'nreaders'
set ylabel 'synchronize cycles'
set key outside right
set grid
set logscale y
plot 'docs/compare/sync-nreaders-v5.dat' using 1:2 with linespoints title 'v5', 'docs/compare/sync-nreaders-v5-pcpucount.dat' using 1:2 with linespoints title 'v5-pcpucount', 'docs/compare/sync-nreaders-listphase-nodebug.dat' using 1:2 with linespoints title 'listphase-nodebug', 'docs/compare/sync-nreaders-pertask.dat' using 1:2 with linespoints title 'pertask', 'docs/compare/sync-nreaders-pertask-bitmap.dat' using 1:2 with linespoints title 'pertask-bitmap', 'docs/compare/sync-nreaders-refcount.dat' using 1:2 with linespoints title 'refcount', 'docs/compare/sync-nreaders-percpu-ref.dat' using 1:2 with linespoints title 'percpu-ref'
