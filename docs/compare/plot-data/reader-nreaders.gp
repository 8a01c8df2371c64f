set terminal svg size 800,500 dynamic font 'sans,12'
set termoption noenhanced
set output 'docs/compare/reader-nreaders.svg'
set title 'reader section cycles against nreaders (log axes; 0 drawn at 1)'
set xlabel 'nreaders'
set ylabel 'reader section cycles'
set key outside right
set grid
set logscale y
plot 'docs/compare/plot-data/reader-nreaders-v5.dat' using 1:2 with linespoints title 'v5', 'docs/compare/plot-data/reader-nreaders-v5-pcpucount.dat' using 1:2 with linespoints title 'v5-pcpucount', 'docs/compare/plot-data/reader-nreaders-listphase-nodebug.dat' using 1:2 with linespoints title 'listphase-nodebug', 'docs/compare/plot-data/reader-nreaders-pertask.dat' using 1:2 with linespoints title 'pertask', 'docs/compare/plot-data/reader-nreaders-pertask-bitmap.dat' using 1:2 with linespoints title 'pertask-bitmap', 'docs/compare/plot-data/reader-nreaders-refcount.dat' using 1:2 with linespoints title 'refcount', 'docs/compare/plot-data/reader-nreaders-percpu-ref.dat' using 1:2 with linespoints title 'percpu-ref'
